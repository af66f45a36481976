// The one GraphQL query behind the analytics check: every part an alias of
// `httpRequestsAdaptiveGroups` for the host and window, so the whole picture costs one call.
//   total         all requests (count)
//   errors        5xx by edge status and origin status (originResponseStatus 0: no HTTP answer)
//   buckets       all requests per 5 minutes (datetimeFiveMinutes)
//   errorBuckets  5xx per 5 minutes: with `buckets`, is it ongoing, growing or over
//   errorPaths    5xx by clientRequestPath (top 5)    pathTotals  all requests by path (top 10)
//   errorColos    5xx by coloCode (top 5)             coloTotals  all requests by colo (top 10)
//   firstError    the earliest minute with a 5xx (datetimeMinute)
// The totals by path and colo tell "one path fails" from "one path is all the traffic there is".
// Dimension and filter names: developers.cloudflare.com analytics/graphql-api (adaptive groups;
// the colo-groups migration guide uses coloCode on httpRequestsAdaptiveGroups); public queries use
// `orderBy: [datetimeFiveMinutes_ASC]` with `dimensions { datetimeFiveMinutes }` and
// `dimensions { clientRequestPath }` on the same node.

export interface QueryParts {
  /** originResponseStatus is offered by the plan. */
  originStatus: boolean;
  /** datetimeMinute: the first 5xx minute. */
  firstError: boolean;
  /** datetimeFiveMinutes: the 5-minute buckets. */
  buckets: boolean;
  /** clientRequestPath: the top paths among the 5xx. */
  paths: boolean;
  /** coloCode: the top colos among the 5xx. */
  colos: boolean;
}

export const ALL_PARTS: QueryParts = {
  originStatus: true,
  firstError: true,
  buckets: true,
  paths: true,
  colos: true,
};

/** Buckets of an hour at most: 12, with room for a window that starts mid-bucket. */
const BUCKETS = 14;

const HOST = 'datetime_geq: $since, datetime_lt: $until, clientRequestHTTPHost: $host';
const FIVE_XX = `${HOST}, edgeResponseStatus_geq: 500, edgeResponseStatus_lt: 600`;

function part(alias: string, filter: string, limit: number, dims: string, orderBy?: string): string {
  const order = orderBy ? `, orderBy: [${orderBy}]` : '';
  const dimensions = dims ? ` dimensions { ${dims} }` : '';
  return `      ${alias}: httpRequestsAdaptiveGroups(limit: ${limit}${order}, filter: { ${filter} }) { count${dimensions} }`;
}

export function edge5xxQuery(parts: Partial<QueryParts> = ALL_PARTS): string {
  const p = { ...ALL_PARTS, ...parts };
  const lines = [
    part('total', HOST, 1, ''),
    part(
      'errors',
      FIVE_XX,
      50,
      p.originStatus ? 'edgeResponseStatus originResponseStatus' : 'edgeResponseStatus',
      'count_DESC',
    ),
  ];
  if (p.buckets) {
    lines.push(part('buckets', HOST, BUCKETS, 'datetimeFiveMinutes', 'datetimeFiveMinutes_ASC'));
    lines.push(part('errorBuckets', FIVE_XX, BUCKETS, 'datetimeFiveMinutes', 'datetimeFiveMinutes_ASC'));
  }
  if (p.paths) {
    lines.push(part('errorPaths', FIVE_XX, 5, 'clientRequestPath', 'count_DESC'));
    lines.push(part('pathTotals', HOST, 10, 'clientRequestPath', 'count_DESC'));
  }
  if (p.colos) {
    lines.push(part('errorColos', FIVE_XX, 5, 'coloCode', 'count_DESC'));
    lines.push(part('coloTotals', HOST, 10, 'coloCode', 'count_DESC'));
  }
  if (p.firstError) lines.push(part('firstError', FIVE_XX, 1, 'datetimeMinute', 'datetimeMinute_ASC'));
  return `query Edge5xx($zoneTag: string!, $host: string!, $since: Time!, $until: Time!) {
  viewer {
    zones(filter: { zoneTag: $zoneTag }) {
${lines.join('\n')}
    }
  }
}`;
}
