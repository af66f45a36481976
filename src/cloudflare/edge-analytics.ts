// Recent 5xx at the edge for one host, via GraphQL `httpRequestsAdaptiveGroups` (two aliases: the
// total and the 5xx by edge/origin status). The zone's plan is checked first through the `settings`
// node (cached per zone): a dataset the plan lacks is `not_entitled`; a field it lacks is left out
// of the query; a shorter allowed time range narrows the window. That check is skipped when the
// diagnosis has no API call to spare, and then a plan-limit error of the query itself says the same.
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { CfEdgeAnalytics } from '../diagnosis/cloudflare-reader.js';
import { CloudflareApiError } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { type DatasetAvailability, datasetAvailability, hasField } from './dataset-availability.js';
import { graphqlError, postGraphql } from './graphql.js';
import { arr, num, obj, str } from './read-json.js';

const OP = { name: 'edge analytics', permission: PERMISSIONS.analytics };

export function edge5xxQuery(withOriginStatus: boolean, withFirstError = true): string {
  const dims = withOriginStatus ? 'edgeResponseStatus originResponseStatus' : 'edgeResponseStatus';
  const firstError = withFirstError
    ? `
      firstError: httpRequestsAdaptiveGroups(limit: 1, orderBy: [datetimeMinute_ASC], filter: { datetime_geq: $since, datetime_lt: $until, clientRequestHTTPHost: $host, edgeResponseStatus_geq: 500, edgeResponseStatus_lt: 600 }) {
        dimensions { datetimeMinute }
      }`
    : '';
  return `query Edge5xx($zoneTag: string!, $host: string!, $since: Time!, $until: Time!) {
  viewer {
    zones(filter: { zoneTag: $zoneTag }) {
      total: httpRequestsAdaptiveGroups(limit: 1, filter: { datetime_geq: $since, datetime_lt: $until, clientRequestHTTPHost: $host }) {
        count
      }
      errors: httpRequestsAdaptiveGroups(limit: 50, orderBy: [count_DESC], filter: { datetime_geq: $since, datetime_lt: $until, clientRequestHTTPHost: $host, edgeResponseStatus_geq: 500, edgeResponseStatus_lt: 600 }) {
        count
        dimensions { ${dims} }
      }${firstError}
    }
  }
}`;
}

export const EDGE_5XX_QUERY = edge5xxQuery(true);

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
  const withOrigin = limited.originStatus !== false;
  const withFirst = availability === undefined || hasField(availability, 'datetimeMinute');
  const root = await postGraphql(
    api,
    OP,
    edge5xxQuery(withOrigin, withFirst),
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
  // The earliest minute with a 5xx, from the same request: when the errors began (change.suspect).
  const first = str(obj(obj(arr(zone['firstError'])[0])?.['dimensions'])?.['datetimeMinute']);
  if (first && !Number.isNaN(Date.parse(first))) out.firstErrorAt = first;
  if (reasons.length > 0) out.limited = { ...limited, reason: reasons.join('; ') };
  return out;
}
