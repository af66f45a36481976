// Recent 5xx at the edge for one host, via GraphQL. GraphQL reports errors with HTTP 200 and an
// `errors[]` array, which the SDK does not treat as failures: we do.
import type { CfEdgeAnalytics } from '../diagnosis/cloudflare-reader.js';
import { CloudflareApiError } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { arr, num, obj, str } from './read-json.js';

const OP = { name: 'edge analytics', permission: 'Analytics:Read' };

export const EDGE_5XX_QUERY = `query Edge5xx($zoneTag: string!, $host: string!, $since: Time!, $until: Time!) {
  viewer {
    zones(filter: { zoneTag: $zoneTag }) {
      total: httpRequestsAdaptiveGroups(limit: 1, filter: { datetime_geq: $since, datetime_lt: $until, clientRequestHTTPHost: $host }) {
        count
      }
      errors: httpRequestsAdaptiveGroups(limit: 50, orderBy: [count_DESC], filter: { datetime_geq: $since, datetime_lt: $until, clientRequestHTTPHost: $host, edgeResponseStatus_geq: 500, edgeResponseStatus_lt: 600 }) {
        count
        dimensions { edgeResponseStatus originResponseStatus }
      }
      firstError: httpRequestsAdaptiveGroups(limit: 1, orderBy: [datetimeMinute_ASC], filter: { datetime_geq: $since, datetime_lt: $until, clientRequestHTTPHost: $host, edgeResponseStatus_geq: 500, edgeResponseStatus_lt: 600 }) {
        dimensions { datetimeMinute }
      }
    }
  }
}`;

export async function edgeAnalytics(
  api: ApiClient,
  zoneTag: string,
  host: string,
  since: Date,
  until: Date,
  signal: AbortSignal,
): Promise<CfEdgeAnalytics> {
  const body: unknown = await api.call(OP, signal, (o) =>
    api.sdk.post<unknown>('/graphql', {
      ...o,
      body: {
        query: EDGE_5XX_QUERY,
        variables: { zoneTag, host, since: since.toISOString(), until: until.toISOString() },
      },
    }),
  );
  const root = obj(body);
  const errors = arr(root?.['errors']);
  if (errors.length > 0) throw graphqlError(errors);
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
  const result: CfEdgeAnalytics = {
    total: Math.max(
      total,
      groups.reduce((s, g) => s + g.count, 0),
    ),
    errors: groups,
  };
  // The earliest minute with a 5xx, from the same request: when the errors began (change.suspect).
  const first = str(obj(obj(arr(zone['firstError'])[0])?.['dimensions'])?.['datetimeMinute']);
  if (first && !Number.isNaN(Date.parse(first))) result.firstErrorAt = first;
  return result;
}

function graphqlError(errors: unknown[]): CloudflareApiError {
  const messages = errors
    .slice(0, 3)
    .map((e) => str(obj(e)?.['message']) ?? 'unknown error')
    .join('; ')
    .slice(0, 200);
  const denied =
    /not authori[sz]ed|does not have (access|permission)|permission|unauthori[sz]ed|authentication/i;
  if (denied.test(messages)) {
    return new CloudflareApiError({
      kind: 'auth',
      operation: OP.name,
      permission: OP.permission,
      message: `the analytics API refused the query: ${messages}`,
    });
  }
  const limited = /rate limit|too many/i.test(messages);
  return new CloudflareApiError({
    kind: limited ? 'rate_limited' : 'invalid',
    operation: OP.name,
    message: `the analytics API answered with errors: ${messages}`,
  });
}
