// Recent edge analytics (the last hour, one GraphQL call): what share of the host's requests ended
// in a 5xx at the edge, per 5 minutes (is it ongoing, growing or over?), how they split by what the
// origin answered, and where they are (the top paths and colos among the 5xx). Origin status 0 means
// Cloudflare got no HTTP answer at all (refused, timed out, TLS failed): a 52x, the origin leg; a
// 5xx passed through from the origin means the application itself is failing. A 502 that only hits
// /api/upload, or one colo, says so.
import type { Check } from '../../check.js';
import type { CfEdgeAnalytics } from '../../cloudflare-reader.js';
import type { AnalyticsFacts } from '../../facts.js';
import { finding } from '../../finding.js';
import { apiFinding } from '../cloudflare/api-finding.js';
import { concentrationOf, concentrationWords } from './concentration.js';
import type { EdgeAnalyticsEvidence } from './evidence.js';
import { trendOf } from './trend.js';

const WINDOW_MINUTES = 60;
/** Below this share (or count), 5xx are background noise. */
const WARN_SHARE = 0.01;
const WARN_COUNT = 5;
/** A path or colo failing at least this often is worth a warning even when the site-wide share is small. */
const SLICE_WARN_PERCENT = 5;

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
    let data: CfEdgeAnalytics;
    try {
      data = await cf.edgeAnalytics(zone.id, ctx.target.host, since, until, ctx.signal);
    } catch (error) {
      // A plan without the dataset or field is analytics.unavailable (info), never a token problem.
      const f = apiFinding(error);
      return { status: f.severity === 'info' ? 'skipped' : 'failed', findings: [f] };
    }
    const minutes = data.limited?.windowMinutes ?? WINDOW_MINUTES;
    const byStatus = [...data.errors].sort((a, b) => b.count - a.count).slice(0, 10);
    const errors5xx = data.errors.reduce((n, g) => n + g.count, 0);
    const trend = data.buckets ? trendOf(data.buckets, until) : undefined;
    const facts: AnalyticsFacts = {
      windowMinutes: minutes,
      total: data.total,
      errors5xx,
      byStatus,
      windowStart: new Date(until.getTime() - minutes * 60_000).toISOString(),
    };
    if (data.firstErrorAt !== undefined) facts.firstErrorAt = data.firstErrorAt;
    if (trend) facts.trend = trend.trend;
    const share = data.total > 0 ? errors5xx / data.total : 0;
    // Without originResponseStatus (the plan lacks it) nothing can be said about the split.
    const split0 = data.limited?.originStatus === false;
    const count = (keep: (origin: number) => boolean) =>
      split0 ? 0 : data.errors.filter((g) => keep(g.originStatus)).reduce((n, g) => n + g.count, 0);
    const noAnswer = count((o) => o === 0);
    const fromOrigin = count((o) => o >= 500);
    const path = concentrationOf(data.paths, errors5xx, data.total);
    // A path and a colo that both hold most of the 5xx are mostly the same requests: the path is the
    // more specific fact, so the colo is named only when no single path explains the errors.
    const colo = path ? undefined : concentrationOf(data.colos, errors5xx, data.total);
    const evidence: EdgeAnalyticsEvidence = {
      windowMinutes: minutes,
      total: data.total,
      errors5xx,
      sharePercent: Math.round(share * 1000) / 10,
      noOriginResponse: noAnswer,
      originProduced: fromOrigin,
      byStatus,
      byOriginStatus: split0 ? null : byOrigin(data.errors),
    };
    if (trend) Object.assign(evidence, { trend: trend.trend, recentSharePercent: trend.recentSharePercent });
    if (data.buckets)
      evidence.buckets = data.buckets.map((b) => ({ ...b, sharePercent: pct(b.errors5xx, b.total) }));
    if (data.paths) evidence.topPaths = data.paths;
    if (data.colos) evidence.topColos = data.colos;
    if (path) evidence.onePath = path;
    if (colo) evidence.oneColo = colo;
    if (data.limited) evidence.limitedBy = data.limited.reason;

    const sliceWorth = (c: typeof path) => c !== undefined && (c.failurePercent ?? 100) >= SLICE_WARN_PERCENT;
    const worth = (errors5xx >= WARN_COUNT && share >= WARN_SHARE) || sliceWorth(path) || sliceWorth(colo);
    if (!worth) {
      return {
        status: 'passed',
        facts,
        findings: [
          finding({
            code: 'analytics.ok',
            severity: 'ok',
            title: `Edge analytics: ${evidence.sharePercent}% 5xx in the last ${minutes} min`,
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
    const where = [
      path ? `only on ${path.value}` : '',
      colo ? `in one Cloudflare location (${colo.value})` : '',
    ].filter(Boolean);
    const lead = where.length
      ? `5xx ${where.join(' and ')}: ${errors5xx} in the last ${minutes} min`
      : `${evidence.sharePercent}% of requests ended in 5xx in the last ${minutes} min`;
    const sentences = [
      `${errors5xx} of ${data.total} requests for ${ctx.target.host} got a 5xx at the edge; ${split}. By status: ${top}.`,
      path ? `By path: ${concentrationWords(path)}; ${slicesText(data.paths)}.` : '',
      colo
        ? `By Cloudflare location: ${concentrationWords(colo)}; ${slicesText(data.colos)}. One location failing while others work points at the route from that region to the origin (or a firewall/geo rule), not the origin as a whole.`
        : '',
      trend ? `Over time (5-minute buckets, UTC): ${bucketsText(data.buckets ?? [])}.` : '',
    ].filter(Boolean);
    return {
      status: 'failed',
      facts,
      findings: [
        finding({
          code: 'analytics.edge_5xx',
          // Over: worth knowing (and for the trigger's timing), but not what visitors see now.
          severity: trend?.trend === 'over' ? 'info' : 'warn',
          title: trend ? `${lead}; ${trend.words}` : lead,
          detail: sentences.join(' '),
          evidence,
        }),
      ],
    };
  },
};

function pct(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}

function byOrigin(errors: CfEdgeAnalytics['errors']): { originStatus: number; count: number }[] {
  const m = new Map<number, number>();
  for (const g of errors) m.set(g.originStatus, (m.get(g.originStatus) ?? 0) + g.count);
  return [...m.entries()]
    .map(([originStatus, count]) => ({ originStatus, count }))
    .sort((a, b) => b.count - a.count);
}

function slicesText(slices: CfEdgeAnalytics['paths']): string {
  const rest = (slices ?? []).slice(1, 4);
  return rest.length === 0
    ? 'no other one had a 5xx'
    : `then ${rest.map((s) => `${s.value} (${s.errors5xx})`).join(', ')}`;
}

function bucketsText(buckets: NonNullable<CfEdgeAnalytics['buckets']>): string {
  return buckets.map((b) => `${b.start.slice(11, 16)} ${pct(b.errors5xx, b.total)}%`).join(', ');
}
