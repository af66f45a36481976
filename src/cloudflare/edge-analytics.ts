// Recent 5xx at the edge for one host, via GraphQL `httpRequestsAdaptiveGroups` in one call (the
// aliases are in edge-analytics-query.ts). The zone's plan is checked first through the `settings`
// node (cached per zone): a dataset the plan lacks is `not_entitled`; a field it lacks is left out
// of the query; a shorter allowed time range narrows the window. That check is skipped when the
// diagnosis has no API call to spare, and then a plan-limit error of the query itself says the same.

import { CloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { CfAnalyticsSlice, CfEdgeAnalytics } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { type DatasetAvailability, datasetAvailability, hasField } from './dataset-availability.js';
import { edge5xxQuery, type QueryParts } from './edge-analytics-query.js';
import { graphqlError, postGraphql } from './graphql.js';
import { arr, num, obj, str } from './read-json.js';

const OP = { name: 'edge analytics', permission: PERMISSIONS.analytics };

type Remember = (
  load: () => Promise<DatasetAvailability | undefined>,
) => Promise<DatasetAvailability | undefined>;

export async function edgeAnalytics(
  api: ApiClient,
  zoneTag: string,
  host: string,
  since: Date,
  until: Date,
  signal: AbortSignal,
  remember: Remember = (load) => load(),
): Promise<CfEdgeAnalytics> {
  // Two calls when the settings answer is not cached; with only one left, query directly.
  const availability =
    api.remaining >= 2 ? await remember(() => datasetAvailability(api, zoneTag, undefined)) : undefined;
  const limited: NonNullable<CfEdgeAnalytics['limited']> = { reason: '' };
  const reasons: string[] = [];
  let from = since;
  if (availability) {
    if (!availability.enabled) {
      throw new CloudflareApiError({
        kind: 'not_entitled',
        operation: OP.name,
        message:
          "the zone's plan does not include the httpRequestsAdaptiveGroups dataset (settings: enabled false)",
      });
    }
    const missing = ['count', 'edgeResponseStatus', 'clientRequestHTTPHost'].filter(
      (f) => !hasField(availability, f),
    );
    if (missing.length > 0) {
      throw new CloudflareApiError({
        kind: 'not_entitled',
        operation: OP.name,
        message: `the zone's plan does not offer ${missing.join(', ')} in httpRequestsAdaptiveGroups`,
      });
    }
    const allowed = Math.min(
      availability.maxDurationSeconds ?? Number.POSITIVE_INFINITY,
      availability.notOlderThanSeconds ?? Number.POSITIVE_INFINITY,
    );
    if (allowed * 1000 < until.getTime() - since.getTime()) {
      from = new Date(until.getTime() - allowed * 1000);
      limited.windowMinutes = Math.max(1, Math.floor(allowed / 60));
      reasons.push(`the plan allows ${Math.floor(allowed / 60)} minutes of history per query`);
    }
    if (!hasField(availability, 'originResponseStatus')) {
      limited.originStatus = false;
      reasons.push('the plan does not offer originResponseStatus');
    }
  }
  // A dimension the plan does not offer is left out of the query (asking for it fails the whole call).
  const offers = (field: string) => availability === undefined || hasField(availability, field);
  const parts: QueryParts = {
    originStatus: limited.originStatus !== false,
    firstError: offers('datetimeMinute'),
    buckets: offers('datetimeFiveMinutes'),
    paths: offers('clientRequestPath'),
    colos: offers('coloCode'),
  };
  const left = [
    parts.buckets ? '' : 'datetimeFiveMinutes',
    parts.paths ? '' : 'clientRequestPath',
    parts.colos ? '' : 'coloCode',
  ].filter(Boolean);
  if (left.length > 0) reasons.push(`the plan does not offer ${left.join(', ')}`);
  const root = await postGraphql(
    api,
    OP,
    edge5xxQuery(parts),
    { zoneTag, host, since: from.toISOString(), until: until.toISOString() },
    signal,
  );
  const errors = arr(root?.['errors']);
  if (errors.length > 0) throw graphqlError(OP.name, errors);
  const zone = obj(arr(obj(obj(root?.['data'])?.['viewer'])?.['zones'])[0]);
  if (!zone) {
    throw new CloudflareApiError({
      kind: 'invalid',
      operation: OP.name,
      message: 'the analytics answer holds no data for this zone',
    });
  }
  const total = arr(zone['total']).reduce<number>((sum, g) => sum + (num(obj(g)?.['count']) ?? 0), 0);
  const groups = arr(zone['errors']).flatMap((g) => {
    const o = obj(g);
    const d = obj(o?.['dimensions']);
    const edgeStatus = num(d?.['edgeResponseStatus']);
    const count = num(o?.['count']);
    if (edgeStatus === undefined || count === undefined) return [];
    return [{ edgeStatus, originStatus: num(d?.['originResponseStatus']) ?? 0, count }];
  });
  const out: CfEdgeAnalytics = {
    total: Math.max(
      total,
      groups.reduce((s, g) => s + g.count, 0),
    ),
    errors: groups,
  };
  const buckets = bucketsOf(zone);
  if (buckets) out.buckets = buckets;
  const paths = slices(zone, 'errorPaths', 'pathTotals', 'clientRequestPath');
  if (paths) out.paths = paths;
  const colos = slices(zone, 'errorColos', 'coloTotals', 'coloCode');
  if (colos) out.colos = colos;
  // The earliest minute with a 5xx, from the same request: when the errors began (change.suspect).
  const first = str(obj(obj(arr(zone['firstError'])[0])?.['dimensions'])?.['datetimeMinute']);
  if (first && !Number.isNaN(Date.parse(first))) out.firstErrorAt = first;
  if (reasons.length > 0) out.limited = { ...limited, reason: reasons.join('; ') };
  return out;
}

/** The 5-minute buckets, oldest first; undefined when the answer has none (not asked, or an old shape). */
function bucketsOf(zone: Record<string, unknown>): CfEdgeAnalytics['buckets'] {
  if (!Array.isArray(zone['buckets'])) return undefined;
  const byStart = new Map<string, { start: string; total: number; errors5xx: number }>();
  const at = (g: unknown) => str(obj(obj(g)?.['dimensions'])?.['datetimeFiveMinutes']);
  for (const g of arr(zone['buckets'])) {
    const start = at(g);
    if (!start || Number.isNaN(Date.parse(start))) continue;
    byStart.set(start, { start, total: num(obj(g)?.['count']) ?? 0, errors5xx: 0 });
  }
  for (const g of arr(zone['errorBuckets'])) {
    const start = at(g);
    if (!start || Number.isNaN(Date.parse(start))) continue;
    const b = byStart.get(start) ?? { start, total: 0, errors5xx: 0 };
    b.errors5xx = num(obj(g)?.['count']) ?? 0;
    b.total = Math.max(b.total, b.errors5xx);
    byStart.set(start, b);
  }
  return [...byStart.values()].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** The top values of a dimension among the 5xx, each with its requests when among the busiest. */
function slices(
  zone: Record<string, unknown>,
  errorsAlias: string,
  totalsAlias: string,
  dimension: string,
): CfAnalyticsSlice[] | undefined {
  if (!Array.isArray(zone[errorsAlias])) return undefined;
  const dimensionOf = (g: unknown) => str(obj(obj(g)?.['dimensions'])?.[dimension]);
  const totals = new Map<string, number>();
  for (const g of arr(zone[totalsAlias])) {
    const value = dimensionOf(g);
    if (value !== undefined) totals.set(value, num(obj(g)?.['count']) ?? 0);
  }
  // A full top-10 list: anything not in it had fewer requests than its smallest entry.
  const below = totals.size >= 10 ? Math.min(...totals.values()) : 0;
  return arr(zone[errorsAlias]).flatMap((g) => {
    const value = dimensionOf(g);
    const errors5xx = num(obj(g)?.['count']);
    if (value === undefined || errors5xx === undefined) return [];
    const requests = totals.get(value);
    const slice: CfAnalyticsSlice = { value: value.slice(0, 200), errors5xx };
    if (requests !== undefined) slice.requests = Math.max(requests, errors5xx);
    else if (Array.isArray(zone[totalsAlias])) slice.belowRequests = below;
    return [slice];
  });
}
