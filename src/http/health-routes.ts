// GET /healthz (the process answers) and GET /readyz (it can do its job: Redis answers a PING
// quickly, and the workers run when this process is meant to run them). A probe may also answer
// "degraded" with a reason (e.g. a Cloudflare token that is rejected or lacks a permission): the
// process still does its job, less well, so /readyz stays 200 and says why under `reasons`.

import { within } from '../time/with-timeout.js';
import { json, type Route } from './route.js';

export function healthzRoute(): Route {
  return { method: 'GET', path: '/healthz', handle: async () => json(200, { status: 'ok' }) };
}

export interface ReadinessProbe {
  /** Shown in the answer, e.g. "redis" or "workers". */
  name: string;
  /** Resolves true when ready; a rejection or false means not ready. Must be quick. */
  check(): Promise<boolean | ProbeAnswer>;
}

/** A probe's answer with words: degraded still counts as ready. */
export interface ProbeAnswer {
  state: 'ok' | 'degraded' | 'failing';
  reason?: string;
}

function toAnswer(value: boolean | ProbeAnswer): ProbeAnswer {
  return typeof value === 'boolean' ? { state: value ? 'ok' : 'failing' } : value;
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
              toAnswer(
                await within(
                  probe.check().catch(() => false),
                  timeoutMs,
                  false,
                ),
              ),
            ] as const,
        ),
      );
      const checks = Object.fromEntries(results.map(([name, a]) => [name, a.state]));
      const reasons = Object.fromEntries(
        results.flatMap(([name, a]) => (a.reason && a.state !== 'ok' ? [[name, a.reason]] : [])),
      );
      const ready = results.every(([, a]) => a.state !== 'failing');
      const degraded = results.some(([, a]) => a.state === 'degraded');
      const status = ready ? (degraded ? 'degraded' : 'ready') : 'not ready';
      return json(ready ? 200 : 503, {
        status,
        checks,
        ...(Object.keys(reasons).length ? { reasons } : {}),
      });
    },
  };
}
