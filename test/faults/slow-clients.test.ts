// Drill: 1,000 slow sockets from ten loopback addresses — half trickle header lines, half send
// their headers and then trickle the body, a byte at a time — while a user needs /healthz and a
// signed /check502. The server must keep answering them promptly, refuse each address's sockets
// beyond its cap at once, and close every slow one within its deadline (header deadline for the
// first kind, whole-request deadline for the second).

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { fastSink, logger, testConfig } from '../chat/slack/support/harness.js';
import { commandBody, postSigned } from '../chat/slack/support/slack-requests.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../jobs/support/redis-cleanup.js';
import { scriptedDiagnoser } from '../jobs/support/scripted-diagnoser.js';
import { httpCall } from './support/check502-process.js';

const redisUrl = inject('redisUrl');
const SOCKETS = 1000;
const ADDRESSES = 10;
const CAP = 64;
const HEADERS_MS = 2000;
const REQUEST_MS = 3000;
/** Timer granularity and a busy two-core machine: how late a close may be. */
const SLACK_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('slow clients', () => {
  const prefix = `sl${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let slackApi: FakeSlackApi;
  let serve: ServeHandle;

  beforeAll(async () => {
    slackApi = await startFakeSlackApi();
    const config: ServerConfig = {
      ...testConfig(redisUrl, slackApi.apiUrl, prefix),
      maxConnectionsPerAddress: CAP,
    };
    serve = await startServe({
      config,
      worker: false,
      logger,
      diagnoser: scriptedDiagnoser(),
      sinks: { slack: fastSink(slackApi.apiUrl) },
      http: { headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS },
    });
  }, 30_000);

  afterAll(async () => {
    await serve?.close();
    await slackApi?.close();
    await removePrefix(redisUrl, prefix);
  }, 30_000);

  it(`cannot starve /healthz or a signed command with ${SOCKETS} slow sockets, and every one is closed in time`, async () => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('./support/slow-sockets.mjs', import.meta.url))],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          PORT: String(serve.address.port),
          SOCKETS: String(SOCKETS),
          ADDRESSES: String(ADDRESSES),
          LIMIT_MS: String(REQUEST_MS + SLACK_MS + 5000),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    while (!out.includes('opened')) await sleep(20);

    // While they are held: the user's requests, from their own address, answer promptly.
    await sleep(500);
    const health: number[] = [];
    for (let k = 0; k < 10; k++) {
      const t0 = Date.now();
      const r = await httpCall(`${serve.url}/healthz`, {}, 5000);
      expect(r.status).toBe(200);
      health.push(Date.now() - t0);
    }
    const t0 = Date.now();
    const ack = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('slow') }),
    );
    const commandMs = Date.now() - t0;
    expect(ack.status).toBe(200);
    expect(ack.json?.text).toContain('Diagnosing shop.example.com');

    await exited;
    const lives = JSON.parse(out.split('\n')[1] ?? '[]') as ['headers' | 'body', number][];
    expect(lives).toHaveLength(SOCKETS);
    const longest = (kind: string) => Math.max(...lives.filter(([k]) => k === kind).map(([, life]) => life));
    // Held sockets live until their deadline; refused ones are closed as soon as they are accepted.
    const refusedAtOnce = lives.filter(([, life]) => life < HEADERS_MS - 100).length;
    console.info(
      `[figure] slow clients: ${SOCKETS} sockets from ${ADDRESSES} addresses (cap ${CAP} each): ${refusedAtOnce} refused before any deadline (cap), ` +
        `longest header trickler ${longest('headers')} ms (deadline ${HEADERS_MS}), ` +
        `longest body trickler ${longest('body')} ms (deadline ${REQUEST_MS}); ` +
        `/healthz worst ${Math.max(...health)} ms, signed command ${commandMs} ms`,
    );
    expect(longest('headers')).toBeLessThan(HEADERS_MS + SLACK_MS);
    expect(longest('body')).toBeLessThan(REQUEST_MS + SLACK_MS);
    expect(refusedAtOnce).toBeGreaterThanOrEqual(SOCKETS - ADDRESSES * CAP);
    expect(Math.max(...health)).toBeLessThan(1500);
    expect(commandMs).toBeLessThan(2500);
  }, 60_000);
});
