// Counts requests per route and outcome by wrapping each Route, so the server stays free of
// metrics code. A handler that throws is counted as 500 (what the server answers) and rethrown.
import type { Route } from '../http/route.js';
import type { Metrics } from './metrics.js';

export function instrumentRoutes(routes: readonly Route[], metrics: Metrics): Route[] {
  return routes.map((route) => instrumentRoute(route, metrics));
}

export function instrumentRoute(route: Route, metrics: Metrics): Route {
  // Label sets built once per route and per status as they appear (no object spread per request),
  // and the duration from performance.now rather than a startTimer closure per request.
  const duration = metrics.httpDuration.labels({ route: route.path });
  const byStatus = new Map<number, ReturnType<Metrics['httpRequests']['labels']>>();
  const count = (status: number) => {
    let counter = byStatus.get(status);
    if (counter === undefined) {
      counter = metrics.httpRequests.labels({
        route: route.path,
        method: route.method,
        outcome: String(status),
      });
      byStatus.set(status, counter);
    }
    counter.inc();
  };
  return {
    ...route,
    async handle(request) {
      const started = performance.now();
      try {
        const response = await route.handle(request);
        count(response.status);
        return response;
      } catch (error) {
        count(500);
        throw error;
      } finally {
        duration.observe((performance.now() - started) / 1000);
      }
    },
  };
}

/** For answers the server gives itself (400, 404, 405, 413): unknown paths count as `unmatched`. */
export function recordServerAnswer(
  metrics: Metrics,
  answer: { route?: string; method: string; status: number },
): void {
  const known = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].includes(answer.method);
  metrics.httpRequests.inc({
    route: answer.route ?? 'unmatched',
    method: known ? answer.method : 'other',
    outcome: String(answer.status),
  });
}
