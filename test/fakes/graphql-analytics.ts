// The fake's GraphQL analytics: answers any aliased `httpRequestsAdaptiveGroups` the way the real API
// does, from request rows (time, host, path, colo, edge and origin status, count): the filter's
// datetime_geq/datetime_lt, clientRequestHTTPHost and edgeResponseStatus_geq/_lt applied; grouped by
// the dimensions the selection asks for (datetimeMinute, datetimeFiveMinutes and datetimeHour are
// the row's time floored, RFC 3339 with Z); orderBy count_DESC or <dimension>_ASC/_DESC; limit.
// Every answer is HTTP 200 with `{ data, errors }`; a plan-limit refusal is a GraphQL error with
// `data: null` (the status comes from the scenario: Cloudflare answers these with 200 as often as not).
// Sources: developers.cloudflare.com analytics/graphql-api (querying basics, filtering, sorting,
// limits, errors; the adaptive-groups migration guide uses coloCode), public queries selecting
// `dimensions { datetimeFiveMinutes }` and `clientRequestPath` on httpRequestsAdaptiveGroups.

/** One group of requests as Cloudflare would count them. */
export interface AnalyticsRow {
  /** The request minute (RFC 3339); absent: inside any window asked. */
  minute?: string;
  host?: string;
  path?: string;
  colo?: string;
  edgeStatus: number;
  originStatus: number;
  count: number;
}

export interface AnalyticsScenario {
  enabled: boolean;
  availableFields: string[];
  maxDuration: number;
  notOlderThan: number;
  deniedStatus: number;
  /** Total requests and the 5xx groups, when `rows` is not given (the older, aggregate way). */
  requests: number;
  errors: { edgeStatus: number; originStatus: number; count: number; minute?: string }[];
  rows?: AnalyticsRow[];
}

export function graphqlErrors(message: string, path: string[] = ['viewer', 'zones', '0']) {
  return {
    data: null,
    errors: [
      {
        message,
        path,
        extensions: { code: 'authz', timestamp: '2026-11-30T04:00:00Z', ray_id: '8e1b2c3d4e5f6a7b' },
      },
    ],
  };
}

const GROUPS = /(\w+)\s*:\s*httpRequestsAdaptiveGroups\s*\(([^)]*)\)\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)?)\}/g;

export function answerGraphql(a: AnalyticsScenario, body: unknown): { status: number; body: unknown } {
  const b = body as { query?: unknown; variables?: Record<string, unknown> } | undefined;
  const query = String(b?.query ?? '');
  const vars = b?.variables ?? {};
  const zoneTag = String(vars['zoneTag'] ?? '');
  const zone: Record<string, unknown> = {};
  if (/\bsettings\s*\{/.test(query)) {
    const { enabled, availableFields, maxDuration, notOlderThan } = a;
    zone['settings'] = {
      httpRequestsAdaptiveGroups: { enabled, availableFields, maxDuration, notOlderThan },
    };
  }
  const rows = a.rows ?? legacyRows(a);
  for (const [, alias = '', args = '', selection = ''] of query.matchAll(GROUPS)) {
    const path = ['viewer', 'zones', '0', alias];
    if (!a.enabled)
      return {
        status: a.deniedStatus,
        body: graphqlErrors(`zone '${zoneTag}' does not have access to the path`, path),
      };
    const dims =
      /dimensions\s*\{([^}]*)\}/
        .exec(selection)?.[1]
        ?.trim()
        .split(/[\s,]+/)
        .filter(Boolean) ?? [];
    const filters = [...args.matchAll(/(\w+?)(?:_(?:geq|gt|leq|lt|neq|in))?\s*:/g)].map((f) => f[1] ?? '');
    const orderDims = [...args.matchAll(/(\w+)_(?:ASC|DESC)/g)]
      .map((m) => m[1] ?? '')
      .filter((d) => d !== 'count');
    const used = [
      ...dims,
      ...orderDims,
      ...filters.filter((f) => !['limit', 'filter', 'orderBy', 'datetime'].includes(f)),
    ];
    const missing = used.find((f) => !a.availableFields.some((x) => x === f || x.endsWith(`_${f}`)));
    if (missing) {
      const message = `zone '${zoneTag}' does not have access to the path httpRequestsAdaptiveGroups.${missing}`;
      return { status: a.deniedStatus, body: graphqlErrors(message, path) };
    }
    zone[alias] = answerGroups(rows, args, dims, /\bcount\b/.test(selection), vars);
  }
  return { status: 200, body: { data: { viewer: { zones: [zone] } }, errors: null } };
}

function answerGroups(
  rows: AnalyticsRow[],
  args: string,
  dims: string[],
  withCount: boolean,
  vars: Record<string, unknown>,
): Record<string, unknown>[] {
  const value = (name: string): string | undefined => {
    const m = new RegExp(`\\b${name}\\s*:\\s*(\\$\\w+|"[^"]*"|[\\d.]+)`).exec(args)?.[1];
    if (m === undefined) return undefined;
    if (m.startsWith('$')) return String(vars[m.slice(1)] ?? '');
    return m.replace(/^"|"$/g, '');
  };
  const since = value('datetime_geq');
  const until = value('datetime_lt');
  const host = value('clientRequestHTTPHost');
  const edgeGeq = value('edgeResponseStatus_geq');
  const edgeLt = value('edgeResponseStatus_lt');
  const kept = rows.filter(
    (r) =>
      (r.minute === undefined ||
        ((since === undefined || Date.parse(r.minute) >= Date.parse(since)) &&
          (until === undefined || Date.parse(r.minute) < Date.parse(until)))) &&
      (host === undefined || r.host === undefined || r.host === host) &&
      (edgeGeq === undefined || r.edgeStatus >= Number(edgeGeq)) &&
      (edgeLt === undefined || r.edgeStatus < Number(edgeLt)),
  );
  const groups = new Map<string, { dims: Record<string, unknown>; count: number }>();
  for (const r of kept) {
    const d = Object.fromEntries(dims.map((name) => [name, dimension(r, name)]));
    const key = JSON.stringify(d);
    const g = groups.get(key) ?? { dims: d, count: 0 };
    g.count += r.count;
    groups.set(key, g);
  }
  let out = [...groups.values()];
  const order = /orderBy\s*:\s*\[\s*(\w+)_(ASC|DESC)/.exec(args);
  if (order) {
    const [, field = '', dir] = order;
    const sign = dir === 'DESC' ? -1 : 1;
    const key = (g: { dims: Record<string, unknown>; count: number }) =>
      field === 'count' ? g.count : (g.dims[field] ?? '');
    out = out.sort((x, y) => (key(x) < key(y) ? -sign : key(x) > key(y) ? sign : 0));
  }
  const limit = Number(/\blimit\s*:\s*(\d+)/.exec(args)?.[1] ?? '100');
  return out.slice(0, limit).map((g) => ({
    ...(withCount ? { count: g.count } : {}),
    ...(dims.length > 0 ? { dimensions: g.dims } : {}),
  }));
}

function dimension(r: AnalyticsRow, name: string): unknown {
  const floor = (minutes: number) => {
    if (r.minute === undefined) return null;
    const t = Math.floor(Date.parse(r.minute) / (minutes * 60_000)) * minutes * 60_000;
    return new Date(t).toISOString().replace('.000Z', 'Z');
  };
  switch (name) {
    case 'edgeResponseStatus':
      return r.edgeStatus;
    case 'originResponseStatus':
      return r.originStatus;
    case 'clientRequestPath':
      return r.path ?? '/';
    case 'coloCode':
      return r.colo ?? 'FRA';
    case 'clientRequestHTTPHost':
      return r.host ?? null;
    case 'datetimeMinute':
      return floor(1);
    case 'datetimeFiveMinutes':
      return floor(5);
    case 'datetimeHour':
      return floor(60);
    default:
      return null;
  }
}

/** The aggregate scenario as rows: the 5xx groups, and the rest of the requests answered 200. */
function legacyRows(a: AnalyticsScenario): AnalyticsRow[] {
  const errors = a.errors.map((e) => ({ ...e }));
  const rest = a.requests - errors.reduce((n, e) => n + e.count, 0);
  return rest > 0 ? [...errors, { edgeStatus: 200, originStatus: 200, count: rest }] : errors;
}
