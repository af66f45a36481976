// A loopback fake of the Cloudflare v4 API, answering every call check502 makes the way the real
// API does: the v4 envelope ({ success, errors, messages, result, result_info }) on every list,
// pagination, and real error codes and statuses — 400/6003 (error_chain 6111) for a token it
// cannot parse, 403/9109 "Invalid access token" for an unknown one, 401/1000 on /user/tokens/verify,
// 403/10000 for a permission (or account) the token lacks, 404/7003 for unknown paths, 429 with
// Retry-After, 5xx (faults). GraphQL answers under the aliases the query asks for, with only the
// dimensions it asks for, and refuses fields the plan lacks ("does not have access to the path")
// with HTTP 200 or another status. The guarded fixes' writes (setting and DNS record PATCH, cache
// purge, pool PATCH) change the scenario as the real API would, and only the fix token may make them
// (the read token gets 403/10000). Every request is logged so tests can count the API budget.
// Sources of each shape are noted beside it; driven by the real SDK (baseURL = fake.baseUrl).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AnalyticsScenario, answerGraphql, graphqlErrors } from './graphql-analytics.js';

export interface FakeZone {
  id: string;
  name: string;
  status?: string;
  paused?: boolean;
  accountId?: string;
  /** `plan.name` as the API answers it (default "Free Website"). */
  plan?: string;
  /** Assigned nameservers (default two *.ns.cloudflare.com; Foundation DNS: *.foundationdns.com). */
  nameServers?: string[];
  /** full (default) | partial (CNAME setup) | secondary. */
  type?: string;
}

export interface FakeScenario {
  /** Bearer token accepted. A malformed one gets 400/6003, another well-formed one 403/9109. */
  token: string;
  /** The write-scoped fix token: the only one the fake lets write (the read token gets 403/10000). */
  fixToken?: string;
  /** What /user/tokens/verify says of `token` (expired/disabled tokens are refused elsewhere). */
  tokenStatus: 'active' | 'expired' | 'disabled';
  /** Permission names the token holds (PERMISSIONS[*].name); undefined = all of them. */
  permissions?: string[];
  /** Account ids in the token's Account Resources; undefined = all accounts. */
  tokenAccounts?: string[];
  /** Workers routes per zone id ({ id, pattern, script? }). */
  workerRoutes: Record<string, Record<string, unknown>[]>;
  /**
   * Workers Custom Domains per account id, API shape ({ id, hostname, service, environment,
   * zone_id, zone_name, cert_id }: SDK `DomainListResponse`). Cloudflare also creates a proxied
   * `AAAA 100::` record for each (dnscontrol/dnscontrol#2509, cloudflare-docs#29353): scenarios add it.
   */
  workerDomains: Record<string, Record<string, unknown>[]>;
  /** Load balancer monitors per account id (API shape, with id). */
  monitors: Record<string, Record<string, unknown>[]>;
  /**
   * What /configurations answers for a tunnel without a remote configuration: 404 (default) or
   * 200 with `config: null`. Not verified against the live API: both are handled.
   */
  localConfigAnswer: 'not_found' | 'null_config';
  /** The zone's analytics, answered per alias of the query; used when `graphql` is undefined. */
  analytics: AnalyticsScenario;
  zones: FakeZone[];
  /** DNS records per zone id ({ type, name, content, proxied, ttl? }). */
  records: Record<string, Record<string, unknown>[]>;
  /** Zone settings per zone id: setting id → value. */
  settings: Record<string, Record<string, unknown>>;
  /** Load balancers per zone id (API shape). */
  loadBalancers: Record<string, Record<string, unknown>[]>;
  /** Pools per account id (API shape). */
  pools: Record<string, Record<string, unknown>[]>;
  /** Pool health per pool id (API shape: pop_health keyed by region, then origin address). */
  poolHealth: Record<string, unknown>;
  /** Tunnels by id (API shape), their connectors, their remote configuration. */
  tunnels: Record<string, Record<string, unknown>>;
  tunnelConnections: Record<string, unknown[]>;
  tunnelConfigurations: Record<string, unknown>;
  ips: { ipv4_cidrs: string[]; ipv6_cidrs: string[] };
  /**
   * Rulesets per zone id, each a whole ruleset as `GET /zones/{id}/rulesets/{ruleset}` returns it
   * ({ id, name, kind, phase, version, last_updated, rules[] }); the list call leaves `rules` out.
   */
  rulesets: Record<string, Record<string, unknown>[]>;
  /** Zone-level Authenticated Origin Pulls per zone id (`{ enabled }`). */
  originPull: Record<string, { enabled: boolean }>;
  /** Per-hostname AOP associations per zone id, keyed by hostname (API shape; absent → 404). */
  originPullHostnames: Record<string, Record<string, Record<string, unknown>>>;
  /** Audit-log entries (v1 shape, test/fakes/audit-log-entries.ts) per account id, any order. */
  auditLogs: Record<string, Record<string, unknown>[]>;
  /** A fixed GraphQL answer body (data and/or errors), instead of answering from `analytics`. */
  graphql?: unknown;
  /** Largest page the fake serves, to force pagination. */
  maxPerPage: number;
  /** Injected failures, checked in order before routing. */
  faults: Fault[];
}

export interface Fault {
  /** Matches `METHOD /path` (path without the /client/v4 prefix), e.g. /GET \/zones$/. */
  match: RegExp;
  status?: number;
  headers?: Record<string, string>;
  /** Envelope errors for the body (defaults from the status). */
  errors?: { code: number; message: string }[];
  /** Raw body instead of an envelope. */
  rawBody?: string;
  /** Delay before answering (ms). With no status, the normal answer follows the delay. */
  delayMs?: number;
  /** How many requests this fault applies to (default: all). */
  times?: number;
}

export interface LoggedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export interface FakeCloudflareApi {
  baseUrl: string;
  scenario: FakeScenario;
  calls: LoggedCall[];
  close(): Promise<void>;
}

/** API tokens are 40 characters of [A-Za-z0-9_-]; anything else is malformed to the API. */
export const FAKE_TOKEN = 'Fk3_test-token-0123456789abcdefABCDEFghi';
/** CLOUDFLARE_FIX_TOKEN of the tests: a separate, well-formed token. */
export const FAKE_FIX_TOKEN = 'Fix_test-token-0123456789abcdefABCDEFgh0';
/** A well-formed token the fake does not know (revoked, or from another user). */
export const UNKNOWN_TOKEN = 'Unknown0token-0123456789abcdefABCDEFghij';
/** A Global API Key (37 hex characters) pasted as a token. */
export const GLOBAL_KEY = '0123456789abcdef0123456789abcdef01234';

/** Every field the Free plan's httpRequestsAdaptiveGroups offers that check502 uses. */
export const ADAPTIVE_FIELDS = [
  'count',
  'dimensions_edgeResponseStatus',
  'dimensions_originResponseStatus',
  'dimensions_clientRequestHTTPHost',
  'dimensions_clientRequestPath',
  'dimensions_coloCode',
  'dimensions_datetimeMinute',
  'dimensions_datetimeFiveMinutes',
  'edgeResponseStatus',
  'originResponseStatus',
  'clientRequestHTTPHost',
];

export function emptyScenario(): FakeScenario {
  return {
    token: FAKE_TOKEN,
    fixToken: FAKE_FIX_TOKEN,
    tokenStatus: 'active',
    workerRoutes: {},
    workerDomains: {},
    monitors: {},
    localConfigAnswer: 'not_found',
    analytics: {
      requests: 0,
      errors: [],
      enabled: true,
      availableFields: [...ADAPTIVE_FIELDS],
      // Free-plan-like limits (seconds): a day per query, 8 days back.
      maxDuration: 86_400,
      notOlderThan: 691_200,
      deniedStatus: 200,
    },
    zones: [],
    records: {},
    settings: {},
    loadBalancers: {},
    pools: {},
    poolHealth: {},
    tunnels: {},
    tunnelConnections: {},
    tunnelConfigurations: {},
    auditLogs: {},
    rulesets: {},
    originPull: {},
    originPullHostnames: {},
    ips: { ipv4_cidrs: ['173.245.48.0/20', '104.16.0.0/13'], ipv6_cidrs: ['2400:cb00::/32'] },
    maxPerPage: 100,
    faults: [],
  };
}

export async function startFakeCloudflareApi(
  scenario: FakeScenario = emptyScenario(),
): Promise<FakeCloudflareApi> {
  const calls: LoggedCall[] = [];
  const fake = { scenario, calls } as FakeCloudflareApi;
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    handle(fake, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, envelope(null, [{ code: 1000, message: 'fake crashed' }]));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseUrl = `http://127.0.0.1:${port}/client/v4`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return fake;
}

async function handle(fake: FakeCloudflareApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const path = url.pathname.replace(/^\/client\/v4/, '');
  const method = req.method ?? 'GET';
  const raw = await readBody(req);
  const call: LoggedCall = {
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
  };
  if (req.headers.authorization !== undefined) call.authorization = req.headers.authorization;
  if (raw) {
    try {
      call.body = JSON.parse(raw);
    } catch {
      call.body = raw;
    }
  }
  fake.calls.push(call);
  const s = fake.scenario;

  for (const fault of s.faults) {
    if (!fault.match.test(`${method} ${path}`)) continue;
    if (fault.times !== undefined) {
      if (fault.times <= 0) continue;
      fault.times -= 1;
    }
    if (fault.delayMs) await delay(fault.delayMs, res);
    if (res.destroyed) return;
    if (fault.status === undefined) break;
    if (fault.rawBody !== undefined) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.rawBody);
      return;
    }
    const errors = fault.errors ?? [defaultError(fault.status)];
    send(res, fault.status, envelope(null, errors), fault.headers);
    return;
  }

  const denied = authAnswer(s, req.headers.authorization, path);
  if (denied) {
    send(res, denied.status, envelope(null, denied.errors));
    return;
  }
  // A token scoped to reads cannot write: the fixes' writes need the fix token.
  const isFixToken = s.fixToken !== undefined && req.headers.authorization === `Bearer ${s.fixToken}`;
  if (method !== 'GET' && path !== '/graphql' && !isFixToken) {
    send(res, 403, envelope(null, [{ code: 10000, message: 'Authentication error' }]));
    return;
  }
  const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
  const perPage = Math.min(s.maxPerPage, Number(url.searchParams.get('per_page') ?? '20') || 20);
  const paged = (items: unknown[]) => {
    const start = (page - 1) * perPage;
    send(
      res,
      200,
      envelope(items.slice(start, start + perPage), [], {
        page,
        per_page: perPage,
        count: items.slice(start, start + perPage).length,
        total_count: items.length,
        total_pages: Math.max(1, Math.ceil(items.length / perPage)),
      }),
    );
  };
  // Unpaged lists (load balancers, pools, routes, connectors) still carry result_info.
  const list = (items: unknown[]) =>
    send(
      res,
      200,
      envelope(items, [], {
        page: 1,
        per_page: items.length,
        count: items.length,
        total_count: items.length,
      }),
    );
  const ok = (result: unknown) => send(res, 200, envelope(result, []));
  const notFound = (
    code = 7003,
    message = 'Could not route to /client/v4' + path + ', perhaps your object identifier is invalid?',
  ) => send(res, 404, envelope(null, [{ code, message }]));
  const forbidden = () => send(res, 403, envelope(null, [{ code: 10000, message: 'Authentication error' }]));
  /** 403/10000 unless the token holds `permission` (and, for account reads, the account). */
  const allowed = (permission: string, account?: string): boolean => {
    const lacks =
      (s.permissions !== undefined && !s.permissions.includes(permission)) ||
      (account !== undefined && s.tokenAccounts !== undefined && !s.tokenAccounts.includes(account));
    if (lacks) forbidden();
    return !lacks;
  };
  const routes: [string, RegExp, (m: string[]) => void][] = [
    [
      'GET',
      /^\/user\/tokens\/verify$/,
      () =>
        send(res, 200, {
          success: true,
          errors: [],
          messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
          result: { id: 'ed17574386854bf78a67040be0a770b0', status: s.tokenStatus },
        }),
    ],
    [
      'GET',
      /^\/zones$/,
      () => {
        if (!allowed('Zone Read')) return;
        // `name` takes an optional operator (zones list API): equal (default), ends_with,
        // starts_with, contains; case-insensitive unless *_case_sensitive.
        const raw = url.searchParams.get('name');
        const [, op = 'equal', value = ''] = /^(?:(\w+):)?(.*)$/.exec(raw ?? '') ?? [];
        const v = value.toLowerCase();
        const test = (n: string): boolean =>
          raw === null ||
          (op === 'ends_with'
            ? n.endsWith(v)
            : op === 'starts_with'
              ? n.startsWith(v)
              : op === 'contains'
                ? n.includes(v)
                : n === v);
        paged(s.zones.filter((z) => test(z.name.toLowerCase())).map(zoneBody));
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/dns_records$/,
      ([, zone = '']) => {
        if (!allowed('DNS Read')) return;
        const q = url.searchParams;
        // Real filters: name (=name.exact), name.exact/startswith/endswith/contains, type.
        const name = (r: Record<string, unknown>) => String(r['name'] ?? '').toLowerCase();
        const tests: ((r: Record<string, unknown>) => boolean)[] = [];
        const exact = q.get('name.exact') ?? q.get('name');
        if (exact !== null) tests.push((r) => name(r) === exact.toLowerCase());
        const starts = q.get('name.startswith');
        if (starts !== null) tests.push((r) => name(r).startsWith(starts.toLowerCase()));
        const ends = q.get('name.endswith');
        if (ends !== null) tests.push((r) => name(r).endsWith(ends.toLowerCase()));
        const contains = q.get('name.contains');
        if (contains !== null) tests.push((r) => name(r).includes(contains.toLowerCase()));
        const type = q.get('type');
        if (type !== null) tests.push((r) => r['type'] === type);
        const records = (s.records[zone] ?? []).filter((r) => tests.every((t) => t(r)));
        paged(
          records.map((r, i) => ({
            id: `372e67954025e0ba6aaa6d586b9e0b${String(i).padStart(2, '0')}`,
            zone_id: zone,
            ttl: 1,
            proxiable: true,
            settings: {},
            meta: {},
            comment: null,
            tags: [],
            created_on: '2026-01-01T05:20:00.12345Z',
            modified_on: '2026-01-01T05:20:00.12345Z',
            ...r,
          })),
        );
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/settings$/,
      ([, zone = '']) => {
        if (!allowed('Zone Settings Read')) return;
        const settings = s.settings[zone];
        if (!settings) return notFound();
        // The bulk answer does not carry the settings that live only at their own path.
        ok(
          Object.entries(settings)
            .filter(([id]) => !SINGLE_ONLY.has(id))
            .map(([id, value]) => ({ id, value, editable: true, modified_on: null })),
        );
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/settings\/([a-z0-9_]+)$/,
      ([, zone = '', id = '']) => {
        if (!allowed('Zone Settings Read')) return;
        const settings = s.settings[zone];
        if (!settings) return notFound();
        const value = settings[id] ?? SETTING_DEFAULTS[id];
        if (value === undefined) return notFound(1003, 'Invalid or missing zone setting');
        const result: Record<string, unknown> = { id, value, editable: true, modified_on: null };
        // api: GET /zones/{zone_id}/settings/ssl_automatic_mode (automatic_upgrader) adds next_scheduled_scan.
        if (id === 'ssl_automatic_mode') result['next_scheduled_scan'] = '2026-12-01T00:00:00Z';
        ok(result);
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/load_balancers$/,
      ([, zone = '']) => {
        if (allowed('Load Balancers Read')) list(s.loadBalancers[zone] ?? []);
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/workers\/routes$/,
      ([, zone = '']) => {
        if (allowed('Workers Routes Read')) list(s.workerRoutes[zone] ?? []);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/workers\/domains$/,
      ([, acc = '']) => {
        if (!allowed('Workers Scripts Read', acc)) return;
        // api: GET /accounts/{account_id}/workers/domains?hostname=&zone_id=&zone_name=&service=&environment=
        const q = url.searchParams;
        const filters = ['hostname', 'zone_id', 'zone_name', 'service', 'environment'] as const;
        list(
          (s.workerDomains[acc] ?? []).filter((d) =>
            filters.every((f) => q.get(f) === null || String(d[f]).toLowerCase() === q.get(f)?.toLowerCase()),
          ),
        );
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/load_balancers\/pools$/,
      ([, acc = '']) => {
        if (allowed(POOLS, acc)) list(s.pools[acc] ?? []);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/load_balancers\/pools\/([^/]+)\/health$/,
      ([, acc = '', pool = '']) => {
        if (!allowed(POOLS, acc)) return;
        const health = s.poolHealth[pool];
        return health === undefined ? notFound(1002, 'Pool not found') : ok(health);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/load_balancers\/monitors\/([^/]+)$/,
      ([, acc = '', id = '']) => {
        if (!allowed(POOLS, acc)) return;
        const monitor = (s.monitors[acc] ?? []).find((m) => m['id'] === id);
        return monitor === undefined ? notFound(1002, 'Monitor not found') : ok(monitor);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/cfd_tunnel$/,
      ([, acc = '']) => {
        if (!allowed(TUNNEL, acc)) return;
        const all = Object.values(s.tunnels).filter((t) => !t['deleted_at']);
        paged(all);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/cfd_tunnel\/([^/]+)$/,
      ([, acc = '', id = '']) => {
        if (!allowed(TUNNEL, acc)) return;
        const tunnel = s.tunnels[id];
        return tunnel === undefined ? notFound(1002, 'tunnel not found') : ok(tunnel);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/cfd_tunnel\/([^/]+)\/connections$/,
      ([, acc = '', id = '']) => {
        if (allowed(TUNNEL, acc)) list(s.tunnelConnections[id] ?? []);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/cfd_tunnel\/([^/]+)\/configurations$/,
      ([, acc = '', id = '']) => {
        if (!allowed(TUNNEL, acc)) return;
        const config = s.tunnelConfigurations[id];
        if (config === undefined && s.localConfigAnswer === 'not_found')
          return notFound(1002, 'tunnel configuration not found');
        // api: GET …/cfd_tunnel/{id}/configurations → { tunnel_id, version, config, source, created_at }
        ok({
          tunnel_id: id,
          version: config ? 3 : 0,
          config: config ?? null,
          source: config ? 'cloudflare' : 'local',
          created_at: '2026-11-01T10:00:00Z',
        });
      },
    ],
    ['GET', /^\/ips$/, () => ok({ ...s.ips, etag: '38f79d050aa027e3be3865e495dcc9bc' })],
    [
      'POST',
      /^\/graphql$/,
      () => {
        if (s.permissions !== undefined && !s.permissions.includes('Analytics Read')) {
          // GraphQL auth errors: docs analytics/graphql-api/errors ("not authorized for that account").
          send(res, 403, graphqlErrors('zones ["' + zoneTagOf(call.body) + '"] are not authorized'));
          return;
        }
        if (s.graphql !== undefined) return send(res, 200, s.graphql);
        const answer = answerGraphql(s.analytics, call.body);
        send(res, answer.status, answer.body);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/audit_logs$/,
      ([, acc = '']) => {
        if (!allowed('Account Settings Read', acc)) return;
        // As the real API: filtered by zone.name and since/before, newest first unless direction=asc.
        const zone = url.searchParams.get('zone.name');
        const since = Date.parse(url.searchParams.get('since') ?? '') || 0;
        const before = Date.parse(url.searchParams.get('before') ?? '') || Number.POSITIVE_INFINITY;
        const entries = (s.auditLogs[acc] ?? [])
          .filter((e) => {
            const when = Date.parse(String(e['when']));
            const name = (e['metadata'] as Record<string, unknown> | undefined)?.['zone_name'];
            return when >= since && when < before && (zone === null || name === zone);
          })
          .sort((a, b) => Date.parse(String(b['when'])) - Date.parse(String(a['when'])));
        paged(url.searchParams.get('direction') === 'asc' ? entries.reverse() : entries);
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/rulesets$/,
      ([, zone = '']) =>
        // The list accepts any rulesets read permission (OpenAPI x-api-token-group of Zone Rulesets).
        allowed(
          ['Origin Read', 'Config Settings Read', 'Cache Settings Read'].find(
            (p) => s.permissions === undefined || s.permissions.includes(p),
          ) ?? 'Origin Read',
        ) && ok((s.rulesets[zone] ?? []).map(({ rules: _rules, ...summary }) => summary)),
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/rulesets\/phases\/([^/]+)\/entrypoint$/,
      ([, zone = '', phase = '']) => {
        if (!allowed(phasePermission(phase))) return;
        const entry = (s.rulesets[zone] ?? []).find((r) => r['phase'] === phase && r['kind'] === 'zone');
        // Real answer for a phase the zone never used (captured in public client code):
        if (!entry) {
          return send(
            res,
            404,
            envelope(null, [
              { code: 10003, message: `could not find entrypoint ruleset in the ${phase} phase` },
            ]),
          );
        }
        return ok(entry);
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/rulesets\/([^/]+)$/,
      ([, zone = '', id = '']) => {
        const ruleset = (s.rulesets[zone] ?? []).find((r) => r['id'] === id);
        if (!allowed(phasePermission(String(ruleset?.['phase'] ?? '')))) return;
        return ruleset === undefined ? notFound() : ok(ruleset);
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/origin_tls_client_auth\/settings$/,
      ([, zone = '']) =>
        allowed('SSL and Certificates Read') && ok({ enabled: s.originPull[zone]?.enabled ?? false }),
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/origin_tls_client_auth\/hostnames\/([^/]+)$/,
      ([, zone = '', host = '']) => {
        if (!allowed('SSL and Certificates Read')) return;
        const association = s.originPullHostnames[zone]?.[decodeURIComponent(host)];
        return association === undefined ? notFound() : ok(association);
      },
    ],
    // ---- the guarded fixes' writes (and the reads of the one resource each changes) ----
    [
      'PATCH',
      /^\/zones\/([^/]+)\/settings\/([a-z0-9_]+)$/,
      ([, zone = '', id = '']) => {
        const value = (call.body as { value?: unknown } | undefined)?.value;
        const settings = s.settings[zone];
        if (!settings || value === undefined) return notFound();
        settings[id] = value;
        ok({ id, value, editable: true, modified_on: new Date().toISOString() });
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/dns_records\/([^/]+)$/,
      ([, zone = '', id = '']) => {
        const record = (s.records[zone] ?? []).find((r) => r['id'] === id);
        return record
          ? ok({ ttl: 1, proxiable: true, ...record })
          : notFound(81044, 'Record does not exist.');
      },
    ],
    [
      'PATCH',
      /^\/zones\/([^/]+)\/dns_records\/([^/]+)$/,
      ([, zone = '', id = '']) => {
        const record = (s.records[zone] ?? []).find((r) => r['id'] === id);
        if (!record) return notFound(81044, 'Record does not exist.');
        Object.assign(record, call.body as Record<string, unknown>);
        ok({ ttl: 1, proxiable: true, ...record });
      },
    ],
    [
      'POST',
      /^\/zones\/([^/]+)\/purge_cache$/,
      // api: POST /zones/{zone_id}/purge_cache → { result: { id: <zone id> } }
      ([, zone = '']) => (s.zones.some((z) => z.id === zone) ? ok({ id: zone }) : notFound()),
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/load_balancers\/pools\/([^/]+)$/,
      ([, acc = '', id = '']) => {
        const pool = (s.pools[acc] ?? []).find((p) => p['id'] === id);
        return pool ? ok(pool) : notFound();
      },
    ],
    [
      'PATCH',
      /^\/accounts\/([^/]+)\/load_balancers\/pools\/([^/]+)$/,
      ([, acc = '', id = '']) => {
        const pool = (s.pools[acc] ?? []).find((p) => p['id'] === id);
        if (!pool) return notFound();
        Object.assign(pool, call.body as Record<string, unknown>);
        ok(pool);
      },
    ],
  ];
  for (const [routeMethod, pattern, answer] of routes) {
    const match = method === routeMethod ? pattern.exec(path) : null;
    if (match) return answer([...match]);
  }
  notFound();
}

const POOLS = 'Load Balancing: Monitors and Pools Read';
const TUNNEL = 'Cloudflare Tunnel Read';
/** Settings the bulk `GET /zones/{id}/settings` does not return (2024 OpenAPI; see the audit). */
const SINGLE_ONLY = new Set(['origin_max_http_version', 'ssl_automatic_mode']);
/** What a zone answers when the setting was never changed (API reference defaults, non-ENT plan). */
const SETTING_DEFAULTS: Record<string, string> = {
  origin_max_http_version: '2',
  ssl_automatic_mode: 'custom',
};

/**
 * The token check the API gateway makes before routing: a header it cannot parse is 400/6003 with
 * 6111 in error_chain (a Global API Key pasted as a token: kissgyorgy/cloudflare-dyndns#40); a
 * well-formed unknown token is 403/9109 "Invalid access token", or 401/1000 "Invalid API Token" on
 * /user/tokens/verify (recordings of the live API in public test suites); an expired or disabled
 * token verifies as such and is refused elsewhere.
 */
function authAnswer(
  s: FakeScenario,
  header: string | undefined,
  path: string,
): { status: number; errors: ApiError[] } | undefined {
  const token = /^Bearer (.*)$/.exec(header ?? '')?.[1];
  if (token === undefined || !/^[A-Za-z0-9_-]{40}$/.test(token)) {
    return {
      status: 400,
      errors: [
        {
          code: 6003,
          message: 'Invalid request headers',
          error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
        },
      ],
    };
  }
  const verify = path === '/user/tokens/verify';
  if (token !== s.token && token !== s.fixToken) {
    return verify
      ? { status: 401, errors: [{ code: 1000, message: 'Invalid API Token' }] }
      : { status: 403, errors: [{ code: 9109, message: 'Invalid access token' }] };
  }
  if (s.tokenStatus !== 'active' && !verify) {
    return { status: 403, errors: [{ code: 9109, message: 'Invalid access token' }] };
  }
  return undefined;
}

interface ApiError {
  code: number;
  message: string;
  error_chain?: ApiError[];
}

function zoneTagOf(body: unknown): string {
  const vars = (body as { variables?: Record<string, unknown> } | undefined)?.variables;
  return String(vars?.['zoneTag'] ?? '');
}

function zoneBody(z: FakeZone) {
  return {
    id: z.id,
    name: z.name,
    status: z.status ?? 'active',
    paused: z.paused ?? false,
    type: z.type ?? 'full',
    name_servers: z.nameServers ?? ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    account: { id: z.accountId ?? 'acc1', name: 'Account' },
    plan: { name: z.plan ?? 'Free Website' },
  };
}

/** The token permission each rules phase needs (its API reference's accepted permissions). */
function phasePermission(phase: string): string {
  if (phase === 'http_config_settings') return 'Config Settings Read';
  if (phase === 'http_request_cache_settings') return 'Cache Settings Read';
  return 'Origin Read';
}

function envelope(result: unknown, errors: ApiError[], resultInfo?: unknown) {
  const body: Record<string, unknown> = { success: errors.length === 0, errors, messages: [], result };
  if (resultInfo !== undefined) body['result_info'] = resultInfo;
  return body;
}

function defaultError(status: number): { code: number; message: string } {
  if (status === 401) return { code: 10000, message: 'Authentication error' };
  if (status === 403) return { code: 10000, message: 'Authentication error' };
  if (status === 404) return { code: 7003, message: 'Could not route to the requested path' };
  if (status === 429) return { code: 971, message: 'Please wait and consider throttling your request speed' };
  return { code: 10001, message: 'Internal server error' };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (data.length < 1_000_000) data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', () => resolve(data));
  });
}

/** Waits, but stops early when the client goes away (so closing the fake never waits on it). */
function delay(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
