import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { webhookRoutes } from '../../src/incidents/webhook-routes.js';
import { payloadBytes } from '../fakes/alert-payloads/load-payload.js';
import { createHarness, type Harness, logger } from './harness.js';

const SECRET = 'test-webhook-secret-0123456789';
let h: Harness;
let server: HttpServer;
let base: string;

async function start(secret: string | undefined) {
  server = createHttpServer({ routes: webhookRoutes({ secret, incidents: h.service, logger }), logger });
  const address = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${address.port}`;
}

beforeEach(async () => {
  h = await createHarness(inject('redisUrl'));
  await start(SECRET);
});
afterEach(async () => {
  await server.close();
  await h.close();
});

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(5000),
  });
}
const bearer = { authorization: `Bearer ${SECRET}` };

/** Nothing queued and no incident recorded under this test's prefix. */
async function expectNothingQueued() {
  const counts = await h.service.queue.getJobCounts();
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  expect(await h.redis.keys(`${h.prefix}:incident-state:*`)).toEqual([]);
}

describe('alert webhooks over HTTP', () => {
  it.each([
    ['/webhooks/alertmanager', 'alertmanager-firing', bearer, 2],
    ['/webhooks/grafana', 'grafana-firing', bearer, 1],
    ['/webhooks/generic', 'generic-firing', { 'x-check502-secret': SECRET }, 1],
    ['/webhooks/cloudflare', 'cloudflare-passive-origin', { 'cf-webhook-auth': SECRET }, 2],
    ['/webhooks/cloudflare', 'cloudflare-origin-error-rate', { 'cf-webhook-auth': SECRET }, 1],
  ])('%s accepts %s with 202 once the alerts are recorded', async (path, name, headers, accepted) => {
    const response = await post(path, payloadBytes(name), headers);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; incidents: string[] };
    expect(body.accepted).toBe(accepted);
    expect(body.incidents).toHaveLength(accepted);
    for (const id of body.incidents)
      expect(await h.service.context(id)).toMatchObject({ state: 'open', alerts: 1 });
  });

  it.each([['cloudflare-test'], ['cloudflare-unrelated']])(
    'accepts Cloudflare %s and ignores it',
    async (name) => {
      const response = await post('/webhooks/cloudflare', payloadBytes(name), { 'cf-webhook-auth': SECRET });
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ accepted: 0 });
      await expectNothingQueued();
    },
  );

  it.each([
    ['no secret', {}, 'missing webhook secret'],
    ['a wrong secret', { authorization: 'Bearer nope-nope-nope-nope' }, 'wrong webhook secret'],
    ['a secret of another length', { authorization: `Bearer ${SECRET}x` }, 'wrong webhook secret'],
    ['the Cloudflare header on another route', { 'cf-webhook-auth': SECRET }, 'missing webhook secret'],
  ])('refuses %s with 401 and queues nothing', async (_, headers, reason) => {
    const response = await post('/webhooks/alertmanager', payloadBytes('alertmanager-firing'), headers);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.stringContaining(reason) });
    await expectNothingQueued();
  });

  it('refuses every webhook when no secret is configured', async () => {
    await server.close();
    await start(undefined);
    const response = await post('/webhooks/generic', payloadBytes('generic-firing'), bearer);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: expect.stringContaining('CHECK502_WEBHOOK_SECRET is not set'),
    });
    await expectNothingQueued();
  });

  it.each([
    ['malformed JSON', '/webhooks/alertmanager', '{"alerts": [', 'malformed JSON'],
    ['an empty body', '/webhooks/generic', '', 'malformed JSON'],
    ['wrong types', '/webhooks/generic', '{"site": 42, "status": "firing"}', 'site must be a string'],
    ['an unknown shape', '/webhooks/grafana', '{"hello": "world"}', 'alerts[] is missing'],
    [
      'a huge array of junk',
      '/webhooks/alertmanager',
      JSON.stringify({ alerts: new Array(50_000).fill(0) }),
      'too many alerts',
    ],
    ['a JSON string', '/webhooks/cloudflare', '"ALERT"', 'expected a JSON object'],
  ])('answers 400 with the reason for %s and queues nothing', async (_, path, body, reason) => {
    const headers = path.endsWith('cloudflare') ? { 'cf-webhook-auth': SECRET } : bearer;
    const response = await post(path, body, headers);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringContaining(reason) });
    await expectNothingQueued();
  });

  it('answers 413 over 1 MiB and keeps serving', async () => {
    const huge = Buffer.alloc(1024 * 1024 + 10, 0x20);
    const response = await post('/webhooks/generic', huge, bearer);
    expect(response.status).toBe(413);
    await expectNothingQueued();
    const next = await post('/webhooks/generic', payloadBytes('generic-firing'), bearer);
    expect(next.status).toBe(202);
  });

  it('two HTTP fronts sharing Redis open one incident for the same storm', async () => {
    const other = await h.secondFront();
    const second = createHttpServer({
      routes: webhookRoutes({ secret: SECRET, incidents: other, logger }),
      logger,
    });
    const address = await second.listen(0, '127.0.0.1');
    try {
      const bodies = Array.from({ length: 30 }, (_, n) =>
        JSON.stringify({
          version: '4',
          alerts: [
            {
              status: 'firing',
              labels: { alertname: 'Down', instance: 'https://shop.example.com' },
              startsAt: `2026-03-02T13:00:${String(n % 15).padStart(2, '0')}Z`,
              fingerprint: `fp${n % 15}`,
            },
          ],
        }),
      );
      const responses = await Promise.all(
        bodies.map((body, n) =>
          fetch(`${n % 2 ? base : `http://127.0.0.1:${address.port}`}/webhooks/alertmanager`, {
            method: 'POST',
            headers: bearer,
            body,
            signal: AbortSignal.timeout(5000),
          }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 202));
      expect(await h.service.store.currentOf('shop.example.com')).toBe('shop.example.com#1');
      expect(await h.service.context('shop.example.com#1')).toMatchObject({ alerts: 15 });
      expect(await h.service.queue.getJobCounts('waiting')).toEqual({ waiting: 1 }); // one root to post
    } finally {
      await second.close();
    }
  });
});
