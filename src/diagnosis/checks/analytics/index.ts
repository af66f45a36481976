// Recent edge analytics (last 30 minutes, GraphQL): what share of the host's requests ended in a
// 5xx at the edge, and how they split by what the origin answered. Origin status 0 means
// Cloudflare got no HTTP answer at all (refused, timed out, TLS failed): a 52x, the origin leg;
// a 5xx passed through from the origin means the application itself is failing.
import type { Check } from '../../check.js';
import type { AnalyticsFacts } from '../../facts.js';
import { finding } from '../../finding.js';
import { apiFinding } from '../cloudflare/api-finding.js';

const WINDOW_MINUTES = 30;
/** Below this share (or count), 5xx are background noise. */
const WARN_SHARE = 0.01;
const WARN_COUNT = 5;

export const analyticsCheck: Check<'analytics'> = {
  name: 'analytics',
  needs: ['cloudflare'],
  budgetMs: (options) => options.timeoutMs + 1500,
  async run(ctx) {
    const cf = ctx.ports.cloudflare;
    const zone = ctx.facts.cloudflare?.zone;
    if (!cf || !zone) return { status: 'skipped', findings: [] };
    const until = ctx.ports.clock.now();
    const since = new Date(until.getTime() - WINDOW_MINUTES * 60_000);
    let data: Awaited<ReturnType<typeof cf.edgeAnalytics>>;
    try {
      data = await cf.edgeAnalytics(zone.id, ctx.target.host, since, until, ctx.signal);
    } catch (error) {
      // A plan without the dataset or field is analytics.unavailable (info), never a token problem.
      const f = apiFinding(error);
      return { status: f.severity === 'info' ? 'skipped' : 'failed', findings: [f] };
    }
    const byStatus = [...data.errors].sort((a, b) => b.count - a.count).slice(0, 10);
    const errors5xx = data.errors.reduce((n, g) => n + g.count, 0);
    const facts: AnalyticsFacts = {
      windowMinutes: WINDOW_MINUTES,
      total: data.total,
      errors5xx,
      byStatus,
      windowStart: since.toISOString(),
    };
    if (data.firstErrorAt !== undefined) facts.firstErrorAt = data.firstErrorAt;
    const share = data.total > 0 ? errors5xx / data.total : 0;
    // Without originResponseStatus (the plan lacks it) nothing can be said about the split.
    const split0 = data.limited?.originStatus === false;
    const noAnswer = split0
      ? 0
      : data.errors.filter((g) => g.originStatus === 0).reduce((n, g) => n + g.count, 0);
    const fromOrigin = split0
      ? 0
      : data.errors.filter((g) => g.originStatus >= 500).reduce((n, g) => n + g.count, 0);
    const evidence: Record<string, unknown> & { sharePercent: number } = {
      windowMinutes: data.limited?.windowMinutes ?? WINDOW_MINUTES,
      total: data.total,
      errors5xx,
      sharePercent: Math.round(share * 1000) / 10,
      noOriginResponse: noAnswer,
      originProduced: fromOrigin,
      byStatus,
    };
    if (data.limited) evidence['limitedBy'] = data.limited.reason;
    if (errors5xx < WARN_COUNT || share < WARN_SHARE) {
      return {
        status: 'passed',
        facts,
        findings: [
          finding({
            code: 'analytics.ok',
            severity: 'ok',
            title: `Edge analytics: ${evidence.sharePercent}% 5xx in the last ${WINDOW_MINUTES} min`,
            detail: `${errors5xx} of ${data.total} requests for ${ctx.target.host} ended in a 5xx at the edge (sampled estimate).`,
            evidence,
          }),
        ],
      };
    }
    const top = byStatus
      .slice(0, 4)
      .map((g) =>
        split0
          ? `${g.edgeStatus}: ${g.count}`
          : `${g.edgeStatus} (origin ${g.originStatus === 0 ? 'no answer' : g.originStatus}): ${g.count}`,
      )
      .join(', ');
    const split = split0
      ? `the zone's plan does not offer the origin's status, so the split by origin answer is unknown`
      : noAnswer >= fromOrigin
        ? `${noAnswer} of them got no HTTP answer from the origin (origin status 0): Cloudflare could not connect, or TLS failed`
        : `${fromOrigin} of them were 5xx answered by the origin itself and passed on by Cloudflare`;
    return {
      status: 'failed',
      facts,
      findings: [
        finding({
          code: 'analytics.edge_5xx',
          severity: 'warn',
          title: `${evidence.sharePercent}% of requests ended in 5xx in the last ${WINDOW_MINUTES} min`,
          detail: `${errors5xx} of ${data.total} requests for ${ctx.target.host} got a 5xx at the edge; ${split}. By status: ${top}.`,
          evidence,
        }),
      ],
    };
  },
};
