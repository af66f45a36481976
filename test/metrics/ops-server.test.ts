import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { type OpsServer, startOpsServer } from '../../src/metrics/ops-server.js';

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startOpsServer', () => {
  it('serves /healthz, /readyz from its probes and /metrics on loopback', async () => {
    let redisUp = true;
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.jobs.inc({ state: 'completed' });
    server = await startOpsServer({
      metrics,
      probes: [{ name: 'redis', check: async () => redisUp }],
      logger: pino({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
    const base = `http://127.0.0.1:${server.address.port}`;
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, text: await response.text() };
    };
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    redisUp = false;
    expect(await get('/readyz')).toMatchObject({ status: 503 });
    const scraped = await get('/metrics');
    expect(scraped.status).toBe(200);
    expect(scraped.text).toMatch(/^check502_jobs_total\{state="completed"\} 1$/m);
    expect(scraped.text).toMatch(
      /^check502_http_requests_total\{route="\/readyz",method="GET",outcome="503"\} 1$/m,
    );
    expect((await get('/slack/events')).status).toBe(404);
  });
});
