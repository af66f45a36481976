// Steps for a host served by a Worker and for a Worker that failed (error 11xx), per code.
import { type StepsByCode, str } from './steps.js';

const BY_CODE: Record<number, string> = {
  1101: "Find the exception: it is in the Worker's logs with a stack trace; fix it, or call `ctx.passThroughOnException()` so requests fall through to the origin when the Worker throws.",
  1102: 'The Worker ran out of CPU time or memory: check its CPU time per request (dashboard → Workers & Pages → the Worker → Metrics), raise `limits.cpu_ms` on the Paid plan, or move heavy work out of the request path.',
  1103: 'The Worker was disabled by Cloudflare: contact Cloudflare support for the account.',
  1104: 'The route points at a script that does not exist: deploy the Worker (`wrangler deploy`) or fix the route to name an existing script (dashboard → Websites → the zone → Workers Routes).',
  1105: 'The Worker is temporarily unavailable: check https://www.cloudflarestatus.com and retry; if it lasts, redeploy the Worker.',
  1015: 'The Worker hit its burst rate limit: spread the traffic or contact Cloudflare about the limit.',
  1019: 'The Worker loops (it calls itself or other Workers more than 16 times): break the loop; the `CF-EW-Via` header counts the hops.',
  1021: 'The Worker requested a host it may not access: check the URLs it fetches.',
  1022: 'Cloudflare could not route the request to the Worker: check https://www.cloudflarestatus.com and redeploy.',
  1024: 'The Worker made a subrequest to a Cloudflare-owned IP address: fetch a hostname instead.',
  1027: "The Worker used up the free plan's daily requests: upgrade to Workers Paid or wait for the daily reset (00:00 UTC).",
  1042: 'The Worker fetched another Worker on the same zone: use a Service binding instead of fetch().',
};

export const WORKER_STEPS: StepsByCode = {
  'worker.error': (e) => {
    const script = str(e.script, '<worker>');
    const code = typeof e.code === 'number' ? e.code : undefined;
    const customDomain = str(e.pattern, '').endsWith('(Custom Domain)');
    return [
      `Watch the Worker's live errors while reproducing: \`wrangler tail ${script} --format pretty\` (or dashboard → Workers & Pages → ${script} → Logs).`,
      BY_CODE[code ?? 0] ??
        "Other 11xx errors come from the Workers runtime itself: check https://www.cloudflarestatus.com, then the Worker's logs.",
      ...(customDomain
        ? [
            `The host is a Custom Domain of ${script} (Workers & Pages → ${script} → Settings → Domains & Routes): the Worker is its only origin. Check the Worker's limits (CPU time, memory, subrequests: developers.cloudflare.com/workers/platform/limits/) and roll back its last deployment (\`wrangler rollback\`) if the errors started with it.`,
          ]
        : [
            `Check the route${e.pattern ? ` ${str(e.pattern, '')}` : ''} (zone → Workers Routes) runs the Worker you expect, and the Worker's limits (CPU time, memory, subrequests: developers.cloudflare.com/workers/platform/limits/).`,
            'To take the Worker out of the path while you fix it, add a route for this host/path without a Worker ("None"), so requests go to the origin.',
          ]),
    ];
  },
};
