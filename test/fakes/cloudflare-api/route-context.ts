// What every route of the fake Cloudflare API answers with: the scenario, the request, and the
// shapes of an answer (a page of a list, an unpaged list, a result, 404, 403 for a missing permission).

import type { ServerResponse } from 'node:http';
import { envelope, send } from './envelope.js';
import type { FakeScenario } from './scenario.js';

/** `[method, path pattern, answer]`; the answer gets the pattern's match. */
export type Route = [string, RegExp, (m: string[]) => void];

export interface RouteContext {
  s: FakeScenario;
  url: URL;
  call: { body?: unknown };
  res: ServerResponse;
  paged(items: unknown[]): void;
  list(items: unknown[]): void;
  ok(result: unknown): void;
  notFound(code?: number, message?: string): void;
  forbidden(): void;
  allowed(permission: string, account?: string): boolean;
}

export function routeContext(
  s: FakeScenario,
  url: URL,
  path: string,
  call: { body?: unknown },
  res: ServerResponse,
): RouteContext {
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
  return { s, url, call, res, paged, list, ok, notFound, forbidden, allowed };
}
