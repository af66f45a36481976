// The Cloudflare API check: reads the zone like an expert would (read-zone.ts: zone status, load
// balancer, DNS records, SSL/TLS mode, origin-facing settings, Cloudflare's IP ranges) and hands the
// origins to probe to the origin check. API failures become warnings; the rest of the diagnosis runs.
// Without a token it only says so: the zone reader (13 modules) is imported on first use, so a
// token-less `check502 diagnose <site>` never loads it.
import type { Check, CheckResult } from '../../check.js';
import { deadline } from '../../deadline.js';
import type { CloudflareFacts } from '../../facts.js';
import { finding } from '../../finding.js';

/** Kept back from the budget so a slow API still leaves time to report what was read. */
const REPORT_MARGIN_MS = 1000;

export const cloudflareCheck: Check<'cloudflare'> = {
  name: 'cloudflare',
  budgetMs: (options) => options.timeoutMs + 2000,
  async run(ctx) {
    const cf = ctx.ports.cloudflare;
    if (!cf) return notConfigured();
    const soft = deadline(ctx.signal, ctx.options.timeoutMs + 2000 - REPORT_MARGIN_MS);
    try {
      const { readZone } = await import('./read-zone.js');
      return await readZone(ctx, cf, soft.signal);
    } finally {
      soft.done();
    }
  },
};

function notConfigured(): CheckResult<CloudflareFacts> {
  return {
    status: 'skipped',
    facts: { origins: [] },
    findings: [
      finding({
        code: 'cloudflare.not_configured',
        severity: 'info',
        title: 'Cloudflare API not configured',
        detail:
          'CLOUDFLARE_API_TOKEN is not set, so the zone, DNS records, SSL mode, tunnels and load balancers were not read; the diagnosis relies on the probes alone. Pass --origin to name the origin.',
        evidence: {},
      }),
    ],
  };
}
