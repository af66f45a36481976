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
// This file: the server, the request log and the checks made before routing (faults, token,
// write scope); the answers live in routes/ by API area, the scenario in scenario.ts.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authAnswer } from './auth.js';
import { defaultError, envelope, send } from './envelope.js';
import { type Route, routeContext } from './route-context.js';
import { accountRoutes } from './routes/account.js';
import { auditLogRoutes } from './routes/audit-logs.js';
import { fixWriteRoutes } from './routes/fix-writes.js';
import { graphqlRoutes } from './routes/graphql.js';
import { loadBalancingRoutes } from './routes/load-balancing.js';
import { originPullRoutes } from './routes/origin-pull.js';
import { rulesetRoutes } from './routes/rulesets.js';
import { tunnelRoutes } from './routes/tunnels.js';
import { workersRoutes } from './routes/workers.js';
import { zoneRoutes } from './routes/zones.js';
import { emptyScenario, type FakeScenario } from './scenario.js';

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
  const ctx = routeContext(s, url, path, call, res);
  const routes: Route[] = [
    ...accountRoutes(ctx),
    ...zoneRoutes(ctx),
    ...loadBalancingRoutes(ctx),
    ...workersRoutes(ctx),
    ...tunnelRoutes(ctx),
    ...graphqlRoutes(ctx),
    ...auditLogRoutes(ctx),
    ...rulesetRoutes(ctx),
    ...originPullRoutes(ctx),
    ...fixWriteRoutes(ctx),
  ];
  for (const [routeMethod, pattern, answer] of routes) {
    const match = method === routeMethod ? pattern.exec(path) : null;
    if (match) return answer([...match]);
  }
  ctx.notFound();
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
