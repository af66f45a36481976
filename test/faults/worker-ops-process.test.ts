// The compose worker as the image runs it: `node bin/check502.js worker` with
// CHECK502_WORKER_OPS_PORT set answers /healthz (the container healthcheck), /readyz and /metrics on
// that port, refuses a bad port with one line naming the variable, and exits 0 on SIGTERM.
// Needs dist/ (`npm test` builds it first; alone: `npm run build`).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { removePrefix } from '../support/redis-cleanup.js';
import { freePort } from '../support/redis-server.js';
import { type Check502Process, httpCall, startCheck502, waitUntil } from './support/check502-process.js';

const redisUrl = inject('redisUrl');
const running: Check502Process[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop(5000);
  for (const prefix of prefixes.splice(0)) await removePrefix(redisUrl, prefix);
}, 20_000);

function worker(env: Record<string, string>): Check502Process {
  const prefix = `wo${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  prefixes.push(prefix);
  const child = startCheck502(['worker'], {
    REDIS_URL: redisUrl,
    HOST: '127.0.0.1',
    CHECK502_QUEUE_PREFIX: prefix,
    CHECK502_SHUTDOWN_TIMEOUT: '5',
    LOG_LEVEL: 'info',
    ...env,
  });
  running.push(child);
  return child;
}

describe('check502 worker with CHECK502_WORKER_OPS_PORT', () => {
  it('serves /healthz, /readyz and /metrics on that port and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = worker({ CHECK502_WORKER_OPS_PORT: String(port) });
    const started = await child.waitForLog((l) => /check502 worker started/.test(String(l['msg'])), 30_000);
    expect(started['opsPort']).toBe(port);

    expect((await httpCall(`${base}/healthz`)).status).toBe(200);
    await waitUntil(
      async () => (await httpCall(`${base}/readyz`)).status === 200,
      'worker /readyz 200',
      10_000,
    );
    const metrics = await httpCall(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('check502_cloudflare_api_rate_limited_total');

    running.splice(running.indexOf(child), 1);
    expect(await child.stop(10_000)).toBe(0);
    expect((await httpCall(`${base}/healthz`, {}, 1000)).status).toBe(0);
  }, 60_000);

  it('refuses a port outside 1–65535 with one line naming the variable', async () => {
    const child = worker({ CHECK502_WORKER_OPS_PORT: '70000' });
    expect(await Promise.race([child.exited, new Promise((r) => setTimeout(() => r('hung'), 20_000))])).toBe(
      2,
    );
    expect(child.stderr.join('')).toMatch(/^check502: CHECK502_WORKER_OPS_PORT: /m);
  }, 30_000);
});
