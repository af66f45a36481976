// Counts requests per route and outcome by wrapping each Route, so the server stays free of
// metrics code. A handler that throws is counted as 500 (what the server answers) and rethrown.
import type { Route } from '../http/route.js';
import type { Metrics } from './metrics.js';

export function instrumentRoutes(routes: readonly Route[], metrics: Metrics): Route[] {
  return routes.map((route) => instrumentRoute(route, metrics));
}

export function instrumentRoute(route: Route, metrics: Metrics): Route {
  const labels = { route: route.path, method: route.method };
  return {
    ...route,
    async handle(request) {
      const stop = metrics.httpDuration.startTimer({ route: route.path });
      try {
        const response = await route.handle(request);
        metrics.httpRequests.inc({ ...labels, outcome: String(response.status) });
        return response;
      } catch (error) {
        metrics.httpRequests.inc({ ...labels, outcome: '500' });
        throw error;
      } finally {
        stop();
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
