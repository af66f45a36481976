// The shipped program as the Docker image runs it: `node bin/check502.js serve --no-worker` (the
// compose front) against real Redis. Hostile traffic, then SIGTERM: it must answer every request
// without a 5xx, write JSON logs that never contain a configured secret, and exit 0.
// Needs dist/ (`npm test` builds it first; alone: `npm run build`).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removePrefix } from '../support/redis-cleanup.js';
import { freePort } from '../support/redis-server.js';
import { type Check502Process, httpCall, startCheck502 } from './support/check502-process.js';

const redisUrl = inject('redisUrl');
const SECRETS = {
  SLACK_SIGNING_SECRET: 'serve-process-signing-secret-7f3a9c',
  SLACK_BOT_TOKEN: 'xoxb-serve-process-bot-token-4b1e8d',
  DISCORD_BOT_TOKEN: 'serve-process-discord-bot-token-9d2c7a',
  CHECK502_WEBHOOK_SECRET: 'serve-process-webhook-secret-5e6f1b',
  CLOUDFLARE_API_TOKEN: 'serve-process-cloudflare-token-3c8a2e',
};

describe('check502 serve --no-worker, as a process', () => {
  const prefix = `fp${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let serve: Check502Process;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const publicKey = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .subarray(-32);
    serve = startCheck502(['serve', '--no-worker'], {
      ...SECRETS,
      REDIS_URL: redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      CHECK502_QUEUE_PREFIX: prefix,
      // Loopback addresses nothing listens on: no request may leave the machine.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DISCORD_API_URL: 'http://127.0.0.1:9/api',
      CLOUDFLARE_BASE_URL: 'http://127.0.0.1:9/client/v4',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_PUBLIC_KEY: publicKey.toString('hex'),
      CHECK502_SHUTDOWN_TIMEOUT: '5',
      LOG_LEVEL: 'debug',
    });
    await serve.waitForLog((l) => /serve started/.test(String(l['msg'])), 30_000);
  }, 40_000);

  afterAll(async () => {
    await serve?.stop(5000);
    await removePrefix(redisUrl, prefix);
  }, 20_000);

  it('stays up under hostile requests, logs no secret, and exits 0 on SIGTERM', async () => {
    expect((await httpCall(`${base}/healthz`)).status).toBe(200);
    expect((await httpCall(`${base}/readyz`)).status).toBe(200);
    const metrics = await httpCall(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('check502_http_requests_total');

    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/slack/events',
          '/discord/interactions',
          '/webhooks/cloudflare',
          '/webhooks/generic',
          '/nope',
        ),
        fc.string({ maxLength: 500 }),
        fc.constantFrom(
          {},
          { authorization: `Bearer ${SECRETS.CHECK502_WEBHOOK_SECRET.slice(0, -1)}x` },
          {
            'x-slack-signature': 'v0=00',
            'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
          },
          { 'x-signature-ed25519': '00'.repeat(64), 'x-signature-timestamp': '1' },
        ),
        async (path, body, headers) => {
          const response = await httpCall(`${base}${path}`, { method: 'POST', headers, body }, 10_000);
          statuses.push(response.status);
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300, seed: 7 },
    );

    serve.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    const output = JSON.stringify(serve.logs) + serve.stderr.join('');
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    expect(serve.logs.every((l) => l['raw'] === undefined)).toBe(true);
    expect(serve.logs.some((l) => l['msg'] === 'shutting down')).toBe(true);
    console.info(
      `[figure] serve process: ${statuses.length} hostile requests, ${serve.logs.length} JSON log lines, exit 0 on SIGTERM`,
    );
  }, 60_000);
});
