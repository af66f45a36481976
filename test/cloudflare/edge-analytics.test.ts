// Edge analytics end to end: the real reader and analytics check against the fake GraphQL API,
// which answers every alias from request rows the way Cloudflare does. One call for the data (the
// plan's settings node aside, cached per zone); the report says whether it is ongoing, growing or
// over, and where the 5xx are — one path, one colo — only when the data shows it.
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeScenario } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import type { AnalyticsRow } from '../fakes/graphql-analytics.js';
import { findingOf, runDiagnosis } from '../support/cloudflare-harness.js';
import { aRecordZone, HOST } from '../support/cloudflare-scenarios.js';

let fake: FakeCloudflareApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Steady traffic every minute of the last hour over paths and colos, and the 5xx the test adds. */
function traffic(extra: AnalyticsRow[], perMinute = 40): AnalyticsRow[] {
  const rows: AnalyticsRow[] = [];
  for (let m = 59; m >= 0; m--) {
    for (const [path, colo, share] of [
      ['/', 'FRA', 0.5],
      ['/products', 'AMS', 0.3],
      ['/api/upload', 'FRA', 0.05],
      ['/cart', 'CDG', 0.15],
    ] as const) {
      rows.push({
        minute: minutesAgo(m + 0.5),
        host: HOST,
        path,
        colo,
        edgeStatus: 200,
        originStatus: 200,
        count: Math.round(perMinute * share),
      });
    }
  }
  return [...rows, ...extra];
}

function zoneWith(rows: AnalyticsRow[]): FakeScenario {
  const s = aRecordZone();
  s.analytics = { ...s.analytics, rows };
  return s;
}

async function analyticsOf(s: FakeScenario) {
  fake = await startFakeCloudflareApi(s);
  const { report } = await runDiagnosis(fake, HOST, { edge: { status: 200 } });
  const graphql = fake.calls
    .filter((c) => c.path === '/graphql')
    .map((c) => String((c.body as { query: string }).query));
  return { report, graphql };
}

const errorsOn = (path: string, colo: string, minutes: number[], count: number, edge = 502, origin = 502) =>
  minutes.map((m) => ({
    minute: minutesAgo(m + 0.5),
    host: HOST,
    path,
    colo,
    edgeStatus: edge,
    originStatus: origin,
    count,
  }));

describe('edge analytics over the last hour', () => {
  it('one query holds the buckets, the top paths, colos and origin statuses', async () => {
    const { report, graphql } = await analyticsOf(
      zoneWith(traffic(errorsOn('/', 'FRA', [1, 2, 3], 10, 520, 0))),
    );
    const data = graphql.filter((q) => !q.includes('settings'));
    expect(data).toHaveLength(1);
    for (const alias of [
      'buckets:',
      'errorBuckets:',
      'errorPaths:',
      'errorColos:',
      'pathTotals:',
      'coloTotals:',
    ])
      expect(data[0]).toContain(alias);
    const f = findingOf(report, 'analytics.edge_5xx');
    // An hour not aligned on 5 minutes spans 13 buckets, the first and last partial.
    expect((f.evidence['buckets'] as unknown[]).length).toBeGreaterThanOrEqual(12);
    expect((f.evidence['buckets'] as unknown[]).length).toBeLessThanOrEqual(13);
    expect(f.evidence['byOriginStatus']).toEqual([{ originStatus: 0, count: 30 }]);
  });

  it('a 502 that only hits /api/upload says so, with that path’s failure rate', async () => {
    const minutes = Array.from({ length: 30 }, (_, i) => i);
    const { report } = await analyticsOf(zoneWith(traffic(errorsOn('/api/upload', 'FRA', minutes, 2))));
    const f = findingOf(report, 'analytics.edge_5xx');
    expect(f.severity).toBe('warn');
    expect(f.title).toMatch(/^5xx only on \/api\/upload/);
    expect(f.detail).toMatch(/\/api\/upload: 60 of its \d+ requests failed \(100% of all 5xx\)/);
    // Every 5xx was in FRA too, but that is where the path's traffic goes: the path is named, not FRA.
    expect(f.title).not.toMatch(/one Cloudflare location/);
  });

  it('one colo failing while the others work says so', async () => {
    const minutes = [0, 1, 2, 3, 4, 5, 6, 7];
    const rows = traffic(
      ['/', '/products', '/cart'].flatMap((path) => errorsOn(path, 'CDG', minutes, 2, 522, 0)),
    );
    const { report } = await analyticsOf(zoneWith(rows));
    const f = findingOf(report, 'analytics.edge_5xx');
    expect(f.title).toMatch(/in one Cloudflare location \(CDG\)/);
    expect((f.evidence['oneColo'] as { value: string }).value).toBe('CDG');
  });

  it('errors spread over every path and colo name none of them', async () => {
    const rows = traffic([
      ...errorsOn('/', 'FRA', [1, 2, 3, 4], 4),
      ...errorsOn('/products', 'AMS', [1, 2, 3, 4], 3),
      ...errorsOn('/cart', 'CDG', [1, 2, 3, 4], 2),
    ]);
    const f = findingOf((await analyticsOf(zoneWith(rows))).report, 'analytics.edge_5xx');
    expect(f.evidence['onePath']).toBeUndefined();
    expect(f.evidence['oneColo']).toBeUndefined();
    expect(f.title).toMatch(/% of requests ended in 5xx in the last 60 min/);
  });

  it('5xx that began in the last minutes are "started"; growing ones "growing"', async () => {
    const started = findingOf(
      (await analyticsOf(zoneWith(traffic(errorsOn('/', 'FRA', [0, 1, 2, 3, 4, 5], 8, 521, 0))))).report,
      'analytics.edge_5xx',
    );
    expect(started.evidence['trend']).toBe('started');
    expect(started.title).toMatch(/started at about \d\d:\d\d/);
    await fake?.close();
    const growing = findingOf(
      (
        await analyticsOf(
          zoneWith(
            traffic([
              ...errorsOn('/', 'FRA', [20, 25, 30, 35, 40, 45], 5),
              ...errorsOn('/', 'FRA', [0, 1, 2, 3, 4, 5, 6], 12),
            ]),
          ),
        )
      ).report,
      'analytics.edge_5xx',
    );
    expect(growing.evidence['trend']).toBe('growing');
  });

  it('5xx that stopped 20 minutes ago are over: reported for the record, not as a warning', async () => {
    const minutes = Array.from({ length: 15 }, (_, i) => 20 + i);
    const { report } = await analyticsOf(zoneWith(traffic(errorsOn('/', 'FRA', minutes, 6))));
    const f = findingOf(report, 'analytics.edge_5xx');
    expect(f.evidence['trend']).toBe('over');
    expect(f.severity).toBe('info');
    expect(f.title).toMatch(/over: the last 5xx stretch began \d\d:\d\d/);
  });

  it('a plan without paths or colos: the query leaves them out and says why', async () => {
    const s = zoneWith(traffic(errorsOn('/api/upload', 'FRA', [1, 2, 3], 10)));
    s.analytics.availableFields = s.analytics.availableFields.filter(
      (f) => !/clientRequestPath|coloCode/.test(f),
    );
    const { report, graphql } = await analyticsOf(s);
    const data = graphql.find((q) => !q.includes('settings'))!;
    expect(data).not.toContain('clientRequestPath');
    expect(data).not.toContain('coloCode');
    const f = findingOf(report, 'analytics.edge_5xx');
    expect(f.evidence['limitedBy']).toMatch(/does not offer clientRequestPath, coloCode/);
    expect(f.evidence['onePath']).toBeUndefined();
  });

  it('GraphQL errors with HTTP 200 (the plan lacks the dataset) are analytics.unavailable, info', async () => {
    const s = zoneWith(traffic([]));
    s.analytics.enabled = false;
    s.analytics.deniedStatus = 200;
    const { report } = await analyticsOf(s);
    const f = findingOf(report, 'analytics.unavailable');
    expect(f.severity).toBe('info');
    expect(report.findings.some((x) => x.code === 'cloudflare.auth_failed')).toBe(false);
  });
});
