export const VERSION = '0.1.0';

export function usage(): string {
  return `check502 ${VERSION} — why does my site behind Cloudflare show 502?

Usage:
  check502 diagnose <site> [--json] [--timeout <s>] [--origin <ip-or-host>] [--samples <n>] [--watch <duration>]
      One diagnosis, in-process (no Redis). <site> is a hostname or URL.
      --json            print the JSON report on stdout
      --timeout <s>     budget of each probe in seconds (default 10)
      --origin <addr>   the origin's IP or hostname, when the Cloudflare API cannot name it
      --samples <n>     requests per sampled leg (origin fresh, origin kept-alive, edge; default 5, 1 = one glance)
      --watch <d>       re-diagnose (after 30 s, then every minute) until healthy 3 runs in a row or <d>
                        (e.g. 30m) runs out; prints the first report, then only changes, then the outcome
      Exit: 0 no error found, 1 an error was found, 2 could not run.
  check502 fix <site> <action> [--yes]
      A guarded fix the diagnosis supports (needs CLOUDFLARE_FIX_TOKEN and Redis): prints the
      preview (from → to); applies it only with --yes, then re-checks. Actions: purge, rollback,
      ssl-full, http2-off, disable-origin, enable-fallback; \`undo <fix-id>\` within an hour.
  check502 timeline <site> [--incident <site>#<n>]
      The site's latest alert incident (or the one named) as a Markdown timeline, read from Redis:
      first alert, diagnoses (primary cause, Ray IDs), re-checks, fixes, recovery, and durations.
      Exit: 0 printed, 1 no such incident, 2 could not run.
  check502 doctor [--zone <zone>] [--json]
      Checks the configuration, the Cloudflare token and each permission the checks need (on
      the zone named), Redis and the chat tokens: what works, what is missing, what to add.
      Exit: 0 everything configured works, 1 something does not, 2 bad arguments.
  check502 serve [--no-worker]   HTTP server (Slack, Discord, webhooks, health, metrics) + workers
  check502 worker                workers only, against the same Redis (REDIS_URL)
  check502 discord register [--guild <id>]   register the /check502 Discord command

Configuration comes from the environment; see the README.
`;
}
