// Drill: Redis stops and comes back while commands keep arriving. The front must keep answering
// (at once, saying it cannot queue), /healthz stays 200, /readyz turns 503 and back to 200, and
// diagnoses work again after Redis returns, without restarting anything.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerText } from '../../src/chat/front/answer-text.js';
import { slackMarkup } from '../../src/chat/slack/slack-markup.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger, testConfig, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';
import { httpCall, waitUntil } from './support/check502-process.js';

describe('Redis stopped and restarted during traffic', () => {
  let redis: RedisServer;
  let slackApi: FakeSlackApi;
  let serve: ServeHandle;

  beforeAll(async () => {
    redis = await startRedisServer();
    slackApi = await startFakeSlackApi();
    const prefix = `fr${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const config = testConfig(redis.url, slackApi.apiUrl, prefix);
    serve = await startServe({
      config,
      worker: true,
      logger,
      diagnoser: scriptedDiagnoser(),
      sinks: { slack: fastSink(slackApi.apiUrl) },
    });
  }, 30_000);

  afterAll(async () => {
    await serve?.close();
    await slackApi?.close();
    await redis?.stop(true);
  }, 30_000);

  const command = (site: string) =>
    postSigned(serve.url, commandBody({ text: site, responseUrl: slackApi.responseUrl(site) }));
  const summariesFor = (site: string) =>
    threadOf(slackApi).updates.filter((u) => JSON.stringify(u.args).includes(site)).length;

  it('keeps answering while Redis is down and recovers on its own', async () => {
    // Healthy first (readiness converges once the workers' connections are up).
    await waitUntil(async () => (await httpCall(`${serve.url}/readyz`)).status === 200, '/readyz at start');
    expect((await command('before.example.com')).status).toBe(200);
    await slackApi.waitFor(() => summariesFor('before.example.com') >= 1, 20_000);

    // Background traffic for the whole drill: every answer must come, and never be a 5xx.
    const statuses: number[] = [];
    let traffic = true;
    const loop = (async () => {
      for (let i = 0; traffic && i < 400; i++) {
        const [ack, health] = await Promise.all([
          command(`load-${i}.example.com`).then(
            (r) => r.status,
            () => 0,
          ),
          httpCall(`${serve.url}/healthz`).then((r) => r.status),
        ]);
        statuses.push(ack, health);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    await redis.stop();
    const stoppedAt = Date.now();
    await waitUntil(
      async () => (await httpCall(`${serve.url}/readyz`)).status === 503,
      '/readyz to say not ready',
    );
    const readyzDownMs = Date.now() - stoppedAt;
    const down = await command('during.example.com');
    expect(down.status).toBe(200);
    expect(down.json?.text).toBe(
      answerText({ kind: 'unavailable', site: 'during.example.com' }, slackMarkup),
    );
    expect(JSON.parse((await httpCall(`${serve.url}/readyz`)).text)).toMatchObject({
      status: 'not ready',
      checks: { redis: 'failing' },
    });
    expect((await httpCall(`${serve.url}/healthz`)).status).toBe(200);
    // Stay down a little while traffic keeps coming.
    await new Promise((r) => setTimeout(r, 1500));

    await redis.start();
    const startedAt = Date.now();
    await waitUntil(
      async () => (await httpCall(`${serve.url}/readyz`)).status === 200,
      '/readyz to recover',
      30_000,
    );
    const readyzUpMs = Date.now() - startedAt;
    // A command after recovery is queued and answered in a thread by the same, never restarted, process.
    await waitUntil(
      async () => !String((await command('after.example.com')).json?.text).includes("can't queue"),
      'commands to be queued again',
      30_000,
    );
    await slackApi.waitFor(() => summariesFor('after.example.com') >= 1, 30_000);
    const threadMs = Date.now() - startedAt;

    traffic = false;
    await loop;
    console.info(
      `[figure] Redis restart drill: /readyz 503 after ${readyzDownMs} ms, 200 again ${readyzUpMs} ms after Redis returned, ` +
        `first post-recovery thread finished ${threadMs} ms after; ${statuses.length} background answers`,
    );
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 0 || s >= 500)).toEqual([]);
  }, 90_000);
});
