// A loopback fake of the Cloudflare v4 API, speaking the real envelope
// ({ success, errors, messages, result, result_info }) for the endpoints check502 reads, with
// pagination, error bodies, 401/403, 429 + Retry-After, 5xx, slow answers and GraphQL (including
// HTTP 200 with errors[]). Every request is logged so tests can assert the API budget and that list
// calls are filtered by name on the server side. Driven by the real SDK (baseURL = fake.baseUrl).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeZone {
  id: string;
  name: string;
  status?: string;
  paused?: boolean;
  accountId?: string;
}

export interface FakeScenario {
  /** Bearer token accepted; anything else gets 401 with code 10000. */
  token: string;
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
  /** Audit-log entries (v1 shape, test/fakes/audit-log-entries.ts) per account id, any order. */
  auditLogs: Record<string, Record<string, unknown>[]>;
  /** GraphQL answer body (data and/or errors). */
  graphql: unknown;
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

export const FAKE_TOKEN = 'test-token-0123456789abcdef';

export function emptyScenario(): FakeScenario {
  return {
    token: FAKE_TOKEN,
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
    ips: { ipv4_cidrs: ['173.245.48.0/20', '104.16.0.0/13'], ipv6_cidrs: ['2400:cb00::/32'] },
    graphql: { data: { viewer: { zones: [{ total: [{ count: 0 }], errors: [] }] } }, errors: null },
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

  if (req.headers.authorization !== `Bearer ${s.token}`) {
    send(res, 401, envelope(null, [{ code: 10000, message: 'Authentication error' }]));
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
  const ok = (result: unknown) => send(res, 200, envelope(result, []));
  const notFound = () => send(res, 404, envelope(null, [{ code: 7003, message: 'Could not route to path' }]));
  const routes: [string, RegExp, (m: string[]) => void][] = [
    [
      'GET',
      /^\/zones$/,
      () => {
        const name = url.searchParams.get('name');
        paged(s.zones.filter((z) => name === null || z.name === name).map(zoneBody));
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/dns_records$/,
      ([, zone = '']) => {
        const exact = url.searchParams.get('name.exact') ?? url.searchParams.get('name');
        const records = (s.records[zone] ?? []).filter((r) => exact === null || r['name'] === exact);
        paged(records.map((r, i) => ({ id: `rec${i}`, ttl: 1, proxiable: true, ...r })));
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/settings$/,
      ([, zone = '']) => {
        const settings = s.settings[zone];
        if (!settings) return notFound();
        ok(Object.entries(settings).map(([id, value]) => ({ id, value, editable: true })));
      },
    ],
    ['GET', /^\/zones\/([^/]+)\/load_balancers$/, ([, zone = '']) => ok(s.loadBalancers[zone] ?? [])],
    ['GET', /^\/accounts\/([^/]+)\/load_balancers\/pools$/, ([, acc = '']) => ok(s.pools[acc] ?? [])],
    [
      'GET',
      /^\/accounts\/[^/]+\/load_balancers\/pools\/([^/]+)\/health$/,
      ([, pool = '']) => {
        const health = s.poolHealth[pool];
        return health === undefined ? notFound() : ok(health);
      },
    ],
    [
      'GET',
      /^\/accounts\/[^/]+\/cfd_tunnel\/([^/]+)$/,
      ([, id = '']) => {
        const tunnel = s.tunnels[id];
        return tunnel === undefined ? notFound() : ok(tunnel);
      },
    ],
    [
      'GET',
      /^\/accounts\/[^/]+\/cfd_tunnel\/([^/]+)\/connections$/,
      ([, id = '']) => ok(s.tunnelConnections[id] ?? []),
    ],
    [
      'GET',
      /^\/accounts\/[^/]+\/cfd_tunnel\/([^/]+)\/configurations$/,
      ([, id = '']) => {
        const config = s.tunnelConfigurations[id];
        ok({ tunnel_id: id, version: 1, config: config ?? null, source: config ? 'cloudflare' : 'local' });
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/audit_logs$/,
      ([, acc = '']) => {
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
    ['GET', /^\/ips$/, () => ok(s.ips)],
    ['POST', /^\/graphql$/, () => send(res, 200, s.graphql)],
  ];
  for (const [routeMethod, pattern, answer] of routes) {
    const match = method === routeMethod ? pattern.exec(path) : null;
    if (match) return answer([...match]);
  }
  notFound();
}

function zoneBody(z: FakeZone) {
  return {
    id: z.id,
    name: z.name,
    status: z.status ?? 'active',
    paused: z.paused ?? false,
    type: 'full',
    name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    account: { id: z.accountId ?? 'acc1', name: 'Account' },
    plan: { name: 'Free Website' },
  };
}

function envelope(result: unknown, errors: { code: number; message: string }[], resultInfo?: unknown) {
  const body: Record<string, unknown> = { success: errors.length === 0, errors, messages: [], result };
  if (resultInfo !== undefined) body['result_info'] = resultInfo;
  return body;
}

function defaultError(status: number): { code: number; message: string } {
  if (status === 401) return { code: 10000, message: 'Authentication error' };
  if (status === 403) return { code: 10000, message: 'Authentication error' };
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
