// GET /metrics in the Prometheus text format. No secrets are in any label, so it needs no auth;
// operators who do not want it public keep it off the public listener (see docs/operations.md).
import type { Route } from '../http/route.js';
import type { Metrics } from './metrics.js';

export function metricsRoute(metrics: Metrics): Route {
  return {
    method: 'GET',
    path: '/metrics',
    maxBodyBytes: 0,
    async handle() {
      const body = await metrics.registry.metrics();
      return { status: 200, headers: { 'content-type': metrics.registry.contentType }, body };
    },
  };
}
