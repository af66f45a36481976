// Redis goes away under a running `serve`: the front still answers every command at once (telling
// the user to retry), /readyz says not ready, and everything recovers by itself when Redis returns.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../src/main.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger, testConfig, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';

let redis: RedisServer;
let slackApi: FakeSlackApi;

beforeAll(async () => {
  redis = await startRedisServer();
  slackApi = await startFakeSlackApi();
});
afterAll(async () => {
  await slackApi?.close();
  await redis?.stop(true);
});

async function readyz(url: string): Promise<number> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) });
  await response.arrayBuffer();
  return response.status;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('when Redis is down', () => {
  it('answers "try again", reports not ready, and recovers when Redis returns', async () => {
    const config = testConfig(redis.url, slackApi.apiUrl, `t${randomUUID().slice(0, 8)}`);
    const serve = await startServe({
      config,
      worker: true,
      logger,
      diagnoser: scriptedDiagnoser(),
      sinks: { slack: fastSink(slackApi.apiUrl) },
    });
    try {
      // Ready once the workers have connected.
      await eventually(async () => (await readyz(serve.url)) === 200);
      await redis.stop(true);

      const down = await postSigned(
        serve.url,
        commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('d') }),
      );
      expect(down.status).toBe(200);
      expect(down.json?.response_type).toBe('ephemeral');
      expect(down.json?.text).toContain("can't queue");
      expect(await readyz(serve.url)).toBe(503);
      const health = await fetch(`${serve.url}/healthz`);
      expect(health.status).toBe(200);

      await redis.start();
      await eventually(async () => (await readyz(serve.url)) === 200);
      const up = await postSigned(
        serve.url,
        commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('u') }),
      );
      expect(up.json?.text).toContain('Diagnosing');
      // The workers reconnected too: the thread is posted.
      await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1, 15_000);
      expect(threadOf(slackApi).roots).toHaveLength(1);
    } finally {
      await serve.close();
    }
  }, 40_000);
});
