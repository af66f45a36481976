// Steps for what the edge answered, driven by Cloudflare's error code and the leg its page blames
// (cloudflare.md §2), ending with what to quote to Cloudflare support.
import { type StepsByCode, str } from './steps.js';

const IPS = 'https://www.cloudflare.com/ips/';

const BY_CODE: Record<number, string[]> = {
  520: [
    "Check the origin web server's error log at the time of the failure: a crash, a reset connection or an empty reply gives 520.",
    'Keep response headers under 16 KB, enable HTTP keep-alive on the origin, and if "HTTP/2 to Origin" is on, try turning it off.',
    `Make sure no firewall or security plugin drops or resets requests from Cloudflare's ranges (${IPS}).`,
  ],
  521: [
    `Start the web server if it is down, and make sure something listens on the port Cloudflare uses: 443 for SSL mode Full/Full (strict), 80 for Flexible.`,
    `Allow all of Cloudflare's IP ranges (${IPS}) in the origin's firewall, security plugin and rate limiter: a refused connection from Cloudflare gives 521.`,
  ],
  522: [
    `Allow Cloudflare's IP ranges (${IPS}) in the origin's firewall: silently dropped packets are the most common cause of 522.`,
    "Check that the site's A/AAAA record (or load balancer origin) points at the origin's current public IP.",
    'Check the origin is not overloaded (connection backlog, CPU) and that HTTP keep-alive is enabled.',
  ],
  523: [
    "Check the site's A/AAAA record points at the right origin IP and that the origin is routed on the Internet.",
    "On AWS, a VPC route such as 172.0.0.0/8 swallows Cloudflare's 172.64.0.0/13: add a specific route for it.",
  ],
  524: [
    "The origin accepted the connection but took longer than Cloudflare waits (about 100 s): find the slow request in the origin's access log.",
    'Move long work to a background job with polling, or serve it from a DNS-only (grey-cloud) subdomain; Enterprise zones can raise `proxy_read_timeout`.',
  ],
  525: [
    'Make sure the origin serves TLS on port 443 with a certificate for this host name and supports SNI (an Origin CA certificate is fine).',
    "Check the origin's TLS error log and its cipher/protocol settings: Cloudflare needs TLS 1.2+ with a common cipher.",
  ],
  526: [
    "Replace the origin's certificate: under Full (strict) it must be unexpired, match the host name, and chain to a public CA or Cloudflare's Origin CA.",
    'A free Cloudflare Origin CA certificate (SSL/TLS → Origin Server) is the quickest fix; switching the SSL mode to Full is only a temporary workaround.',
  ],
  530: ['Look at the 1xxx code on the page: it names what Cloudflare could not reach.'],
  1016: [
    "Cloudflare could not resolve the origin's name: fix the CNAME target (or Origin Rule / load-balancer origin) so it resolves in public DNS.",
  ],
  1033: [
    'Start the tunnel connector on the origin host: `cloudflared tunnel run <tunnel-name>` (or `sudo systemctl start cloudflared`), and check its log.',
    "Check in Zero Trust → Networks → Tunnels that the tunnel is Healthy and that the host's CNAME points at that tunnel's `<uuid>.cfargotunnel.com`.",
    'Run at least two cloudflared replicas so one restart does not take the site down.',
  ],
};

function originErrorSteps(status: string): string[] {
  return [
    `The origin produced this ${status}: check the application's and the web server's error logs (and the upstream app behind the web server) for that time.`,
    'If the web server answers 502/504 itself, its upstream (PHP-FPM, the app server, a container) is down or too slow: restart it and check its health.',
  ];
}

function cloudflareSideSteps(): string[] {
  return [
    'The page blames Cloudflare itself: check https://www.cloudflarestatus.com for an incident at this colo, and retry in a few minutes.',
    'If it persists, check for an origin answer Cloudflare cannot use (broken gzip, wrong content-length): try disabling compression on the origin.',
  ];
}

export const EDGE_STEPS: StepsByCode = {
  'edge.error': (e) => {
    const status = str(e.status, '5xx');
    const code = typeof e.cloudflareErrorCode === 'number' ? e.cloudflareErrorCode : undefined;
    const steps: string[] = [];
    if (e.generatedBy === 'origin') steps.push(...originErrorSteps(status));
    else if (e.generatedBy === 'unknown') {
      steps.push(
        'The answer did not come through Cloudflare: check the record is proxied (orange cloud) and that public DNS returns Cloudflare addresses.',
        ...originErrorSteps(status),
      );
    } else if (e.blames === 'cloudflare' || (e.pageForm === 'minimal' && e.blames == null))
      steps.push(...cloudflareSideSteps());
    else if (e.pageForm === 'empty' && code === 530)
      steps.push(
        `Cloudflare sent an empty 530 (it does that for clients that are not browsers): open ${str(e.url, 'the URL')} in a browser, or \`curl -H 'Accept: text/html' ${str(e.url, '<url>')}\`, to see the 1xxx code — 1033 means the tunnel has no connector, 1016 that the origin's name does not resolve.`,
        ...(BY_CODE[530] ?? []),
      );
    else if (code !== undefined && BY_CODE[code]) steps.push(...BY_CODE[code]);
    else if (code === 502 || code === 504) steps.push(...originErrorSteps(String(code)));
    else
      steps.push(
        `Look up Cloudflare error ${str(code, status)} at https://developers.cloudflare.com/support/troubleshooting/http-status-codes/.`,
      );
    steps.push(supportStep(e));
    return steps;
  },
  'edge.cached_error': (e) => [
    `Purge the cached error: Caching → Configuration → Custom Purge → URL \`${str(e.url, '<url>')}\` (API: \`POST /zones/<zone_id>/purge_cache\` with \`{"files":["${str(e.url, '<url>')}"]}\`); then request it again and check \`cf-cache-status\` is no longer ${str(e.cacheStatus, 'HIT')}.`,
    'Find what cached an error: a Cache Rule with "Eligible for cache" and an Edge TTL that does not exclude 5xx (set a status-code TTL of "no-store" for 500-599), a Page Rule "Cache Everything", or the origin sending Cache-Control/Expires on its error pages.',
    'Serve-stale is different: with STALE/UPDATING Cloudflare shows the last cached answer while it revalidates; if the origin errored when the page was cached, fix the origin and purge.',
    supportStep(e),
  ],
  'edge.unreachable': (e) => {
    const code = str(e.errorCode, '');
    const url = str(e.url, 'the site');
    if (/CERT|SELF_SIGNED|SIGNATURE|ALTNAME/.test(code)) {
      return [
        `The certificate the edge presents is not valid for this name: check SSL/TLS → Edge Certificates covers it (Universal SSL covers the apex and one level of subdomains only).`,
        `Verify from another network: \`curl -vI ${url}\`.`,
      ];
    }
    return [
      `Check that public DNS for the site returns Cloudflare addresses (see the public DNS finding) and that the record is proxied.`,
      `Verify from another network: \`curl -vI ${url}\`; if only this network fails, a local firewall or proxy is in the way.`,
    ];
  },
};

/** What to quote to Cloudflare support, from any finding that carries the Ray ID. */
export function supportStep(e: { rayId?: string | null; colo?: string | null }): string {
  const ray = str(e.rayId, '');
  if (ray === '') return 'If you open a Cloudflare support ticket, include the URL, the time and the status.';
  const colo = str(e.colo, '');
  return `If you open a Cloudflare support ticket, quote Ray ID ${ray}${colo ? ` (colo ${colo})` : ''}, the URL and the time.`;
}
