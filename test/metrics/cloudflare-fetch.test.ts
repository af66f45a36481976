import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rateLimitCountingFetch } from '../../src/metrics/cloudflare-fetch.js';
import { createMetrics } from '../../src/metrics/metrics.js';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('rateLimitCountingFetch', () => {
  it('counts 429 answers from the API and passes every answer through', async () => {
    const statuses = [429, 200, 429, 503];
    const server = createServer((_req, res) => {
      const status = statuses.shift() ?? 200;
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(status === 429 ? { 'retry-after': '1' } : {}),
      });
      res.end(JSON.stringify({ success: status === 200 }));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4/zones`;
    const metrics = createMetrics({ defaultMetrics: false });
    const counted = rateLimitCountingFetch(metrics);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await counted(url, { signal: AbortSignal.timeout(5000) });
      seen.push(response.status);
      await response.text();
    }
    expect(seen).toEqual([429, 200, 429, 503]);
    expect(await metrics.registry.metrics()).toMatch(/^check502_cloudflare_api_rate_limited_total 2$/m);
  });
});
