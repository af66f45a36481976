// Drill: every inbound route fed malformed, oversized and unauthenticated requests (fast-check,
// bounded: about 1,700 HTTP requests and 150 raw-socket ones, all on loopback). Nothing may crash,
// no answer may be a 5xx, and nothing may be queued or recorded. Runs the real `startServe` route
// list (Discord and the webhooks mounted by serve itself, as in production).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger, testConfig } from '../support/slack-harness.js';
import { commandBody } from '../support/slack-requests.js';
import { httpCall } from './support/check502-process.js';

const redisUrl = inject('redisUrl');
const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789';
const INBOUND = [
  '/slack/events',
  '/discord/interactions',
  '/webhooks/cloudflare',
  '/webhooks/alertmanager',
  '/webhooks/grafana',
  '/webhooks/generic',
  '/webhooks/uptime-kuma',
  '/webhooks/uptimerobot',
  '/webhooks/betterstack',
  '/webhooks/datadog',
  '/webhooks/pagerduty',
  '/webhooks/checkly',
  '/webhooks/pingdom',
];
const OTHER = ['/healthz', '/readyz', '/metrics', '/', '/slack', '/webhooks/', '/%', '/..%2f..%2fetc/passwd'];

describe('inbound routes under hostile input', () => {
  const prefix = `fz${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let slackApi: FakeSlackApi;
  let serve: ServeHandle;
  let redis: Redis;
  const metrics = createMetrics({ defaultMetrics: false });

  // Keys that mean work was accepted (jobs, events, active runs, incidents); the worker's own
  // bookkeeping (queue meta, stalled-check marker) is not.
  const workKeys = async () =>
    (await redis.keys(`${prefix}:*`)).filter((k) => !/:(meta|stalled-check)$/.test(k)).sort();

  beforeAll(async () => {
    slackApi = await startFakeSlackApi();
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const publicKey = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .subarray(-32);
    // The real serve route list: Slack, Discord (configured) and the webhooks (always mounted).
    const config: ServerConfig = {
      ...testConfig(redisUrl, slackApi.apiUrl, prefix),
      webhookSecret: WEBHOOK_SECRET,
      senderSecrets: { pagerduty: 'fuzz-pagerduty-secret', checkly: 'fuzz-checkly-secret' },
      discord: {
        applicationId: '100000000000000001',
        publicKey: publicKey.toString('hex'),
        botToken: 'discord-bot-token',
        // Nothing may be posted; a closed loopback port makes any stray call fail, not leak.
        apiUrl: 'http://127.0.0.1:9/api',
      },
    };
    serve = await startServe({
      config,
      worker: true,
      logger,
      metrics,
      diagnoser: scriptedDiagnoser(),
      sinks: { slack: fastSink(slackApi.apiUrl) },
    });
    expect(await workKeys()).toEqual([]);
  }, 30_000);

  afterAll(async () => {
    await serve?.close();
    await slackApi?.close();
    await removePrefix(redisUrl, prefix);
    redis?.disconnect();
  }, 30_000);

  const printable = (max: number) => fc.stringMatching(new RegExp(`^[ -~]{0,${max}}$`));
  const now = () => Math.floor(Date.now() / 1000);
  const headerValue = fc.oneof(
    printable(120),
    fc.stringMatching(/^v0=[0-9a-f]{64}$/),
    fc.stringMatching(/^[0-9a-f]{128}$/),
    fc.constantFrom(`${now()}`, `${now() - 400}`, `${now() + 400}`, '0', '-1', '9'.repeat(40), 'NaN'),
    fc.constant(`Bearer ${'x'.repeat(30)}`),
  );
  const headers = fc.record(
    {
      'content-type': fc.constantFrom(
        'application/x-www-form-urlencoded',
        'application/json',
        'application/json; charset=utf-16',
        'text/plain',
        'multipart/form-data; boundary=x',
        'garbage/;;;',
      ),
      'x-slack-signature': headerValue,
      'x-slack-request-timestamp': headerValue,
      'x-signature-ed25519': headerValue,
      'x-signature-timestamp': headerValue,
      authorization: headerValue,
      'cf-webhook-auth': headerValue,
      'x-check502-secret': headerValue,
      'x-pagerduty-signature': headerValue.map((v) => `v1=${v}`),
      'x-checkly-signature': headerValue,
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc.json({ maxDepth: 4 }),
    fc.string({ unit: 'binary', maxLength: 500 }),
    printable(200).map((text) => commandBody({ text, responseUrl: slackApi.responseUrl('fuzz') })),
    fc
      .record({ type: fc.integer({ min: 0, max: 6 }), data: fc.jsonValue(), token: printable(40) })
      .map((v) => JSON.stringify(v)),
    fc.jsonValue().map((v) => JSON.stringify({ alerts: [v], status: 'firing', payload: v })),
    fc.constant(JSON.stringify({ type: 1 })),
    fc.constant(
      new URLSearchParams({
        payload: '{"type":"block_actions","actions":[{"action_id":"check502_rerun","value":"{}"}]}',
      }).toString(),
    ),
  );
  const request = fc.record({
    path: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...INBOUND) },
      { weight: 1, arbitrary: fc.constantFrom(...OTHER) },
    ),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant('POST') },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
    ),
    headers,
    body,
  });

  it('answers malformed and unauthenticated requests with 4xx, never 5xx, and queues nothing', async () => {
    const seen = new Map<number, number>();
    const refused = new Set<string>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const hasBody = r.method !== 'GET' && r.method !== 'HEAD';
        const response = await httpCall(
          `${serve.url}${r.path}`,
          { method: r.method, headers: r.headers, ...(hasBody ? { body: r.body } : {}) },
          10_000,
        );
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(500);
        if (INBOUND.includes(r.path) && r.method === 'POST') {
          expect(response.status).toBeGreaterThanOrEqual(400);
          if (response.status === 401) refused.add(r.path);
        }
      }),
      { numRuns: 1500, seed: Number(process.env['FUZZ_SEED'] ?? 502) },
    );

    // Oversized bodies, declared and streamed, on every inbound route.
    const big = Buffer.alloc(1024 * 1024 + 10, 'a');
    for (const path of INBOUND) {
      for (const headers of [
        { 'content-type': 'application/json' },
        { 'content-type': 'application/x-www-form-urlencoded' },
      ]) {
        const response = await httpCall(
          `${serve.url}${path}`,
          { method: 'POST', headers, body: big },
          10_000,
        );
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        expect([413, 401]).toContain(response.status);
      }
    }
    // Every inbound route was really mounted and authenticating (a 404 everywhere would pass the rest).
    expect([...refused].sort()).toEqual([...INBOUND].sort());
    console.info(`[figure] inbound fuzz: answers by status ${JSON.stringify(Object.fromEntries(seen))}`);

    expect((await httpCall(`${serve.url}/healthz`)).status).toBe(200);
    expect(await workKeys()).toEqual([]);
    expect(slackApi.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0); // only the start-up token check
    const scraped = await metrics.registry.metrics();
    expect(scraped).not.toMatch(/outcome="5\d\d"/);
  }, 120_000);

  it('survives garbage at the socket level (broken request lines, headers, chunking)', async () => {
    const raw = (payload: string | Buffer) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: serve.address.port });
        let answer = '';
        const timer = setTimeout(() => socket.destroy(), 5000);
        socket.on('data', (d) => {
          answer += d.toString('latin1');
        });
        socket.on('error', () => {});
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(answer);
        });
        socket.end(payload);
      });
    const fixed = [
      'GARBAGE\r\n\r\n',
      'POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-length: -1\r\n\r\n',
      'POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello',
      'POST /webhooks/generic HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nnope\r\n0\r\n\r\n',
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'GET /%%%% HTTP/1.1\r\nhost: x\r\n\r\n',
      'POST /discord/interactions HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"type":1',
    ];
    const answers: string[] = [];
    for (const payload of fixed) answers.push(await raw(payload));
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary-ascii', maxLength: 300 }), async (junk) => {
        const answer = await raw(junk);
        expect(answer).not.toMatch(/^HTTP\/1\.1 5/);
      }),
      { numRuns: 150, seed: 502 },
    );
    for (const answer of answers) expect(answer).not.toMatch(/^HTTP\/1\.1 5/);
    expect((await httpCall(`${serve.url}/healthz`)).status).toBe(200);
    expect(await workKeys()).toEqual([]);
  }, 60_000);
});
