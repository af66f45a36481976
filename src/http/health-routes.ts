// GET /healthz (the process answers) and GET /readyz (it can do its job: Redis answers a PING
// quickly, and the workers run when this process is meant to run them).

import { within } from '../time/with-timeout.js';
import { json, type Route } from './route.js';

export function healthzRoute(): Route {
  return { method: 'GET', path: '/healthz', handle: async () => json(200, { status: 'ok' }) };
}

export interface ReadinessProbe {
  /** Shown in the answer, e.g. "redis" or "workers". */
  name: string;
  /** Resolves true when ready; a rejection or false means not ready. Must be quick. */
  check(): Promise<boolean>;
}

export function readyzRoute(probes: readonly ReadinessProbe[], timeoutMs = 1000): Route {
  return {
    method: 'GET',
    path: '/readyz',
    handle: async () => {
      const results = await Promise.all(
        probes.map(
          async (probe) =>
            [
              probe.name,
              await within(
                probe.check().catch(() => false),
                timeoutMs,
                false,
              ),
            ] as const,
        ),
      );
      const checks = Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing']));
      const ready = results.every(([, ok]) => ok);
      return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
    },
  };
}
