// Drill: a worker process is killed with SIGKILL in the middle of a diagnosis (root and two check
// messages posted, the origin check still running). The job must complete on the other worker
// process and the Slack thread must hold every message exactly once.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { fastSink, logger, testConfig, threadOf } from '../chat/slack/support/harness.js';
import { commandBody, postSigned, SIGNING_SECRET } from '../chat/slack/support/slack-requests.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../jobs/support/redis-cleanup.js';
import { type Check502Process, startTsChild, waitUntil } from './support/check502-process.js';

const redisUrl = inject('redisUrl');
const WORKER = resolve(import.meta.dirname, 'support', 'worker-child.ts');

describe('a worker killed mid-diagnosis', () => {
  const prefix = `fk${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const gateKey = `${prefix}:fault:gate`;
  let slackApi: FakeSlackApi;
  let front: ServeHandle;
  let redis: Redis;
  const workers: Check502Process[] = [];

  beforeAll(async () => {
    slackApi = await startFakeSlackApi();
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const config = testConfig(redisUrl, slackApi.apiUrl, prefix);
    front = await startServe({ config, worker: false, logger, sinks: { slack: fastSink(slackApi.apiUrl) } });
    const env = {
      REDIS_URL: redisUrl,
      CHECK502_QUEUE_PREFIX: prefix,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slackApi.apiUrl,
      CHECK502_SHUTDOWN_TIMEOUT: '5',
      FAULT_GATE_KEY: gateKey,
    };
    workers.push(startTsChild(WORKER, env), startTsChild(WORKER, env));
    await Promise.all(workers.map((w) => w.waitForLog((l) => l['msg'] === 'fault worker ready', 30_000)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(5000)));
    await front?.close();
    await slackApi?.close();
    await removePrefix(redisUrl, prefix);
    redis?.disconnect();
  }, 30_000);

  it('completes on the other worker and posts the thread exactly once', async () => {
    const ack = await postSigned(
      front.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('k1') }),
    );
    expect(ack.status).toBe(200);

    // Mid-diagnosis: the origin check is held and two check messages are already in the thread.
    await waitUntil(
      async () => (await redis.get(gateKey)) !== null,
      'a worker to reach the origin check',
      30_000,
    );
    await slackApi.waitFor(() => threadOf(slackApi).replies.length >= 2, 20_000);
    const holderPid = Number(await redis.get(gateKey));
    const holder = workers.find((w) => w.child.pid === holderPid);
    const survivor = workers.find((w) => w !== holder);
    expect(holder).toBeDefined();
    expect(threadOf(slackApi).updates).toHaveLength(0);

    const killedAt = Date.now();
    holder?.kill('SIGKILL');
    expect(await holder?.exited).toBe('SIGKILL');
    await redis.set(`${gateKey}:release`, '1');

    // The survivor notices the stalled job, runs it again, and finishes the thread.
    await slackApi.waitFor(() => threadOf(slackApi).updates.length >= 1, 45_000);
    await survivor?.waitForLog((l) => /stalled/.test(String(l['msg'])), 5000);
    await waitUntil(
      async () => (await redis.zcard(`${prefix}:diagnosis:completed`)) === 1,
      'the job to be recorded as completed',
      10_000,
    );
    console.info(`[figure] SIGKILL to finished thread on the other worker: ${Date.now() - killedAt} ms`);
    // Let any straggling duplicate post show up before counting.
    await new Promise((r) => setTimeout(r, 1000));

    const thread = threadOf(slackApi);
    expect(thread.roots).toHaveLength(1);
    // 3 checks + the summary, each once, all under the one root.
    expect(thread.replies).toHaveLength(4);
    for (const reply of thread.replies) expect(reply.args['thread_ts']).toBe(thread.rootTs);
    const texts = thread.replies.map((r) => JSON.stringify(r.args['blocks'] ?? r.args['text']));
    expect(new Set(texts).size).toBe(4);
    expect(texts.filter((t) => t.includes('origin.connection_refused')).length).toBeGreaterThanOrEqual(1);
    expect(survivor?.child.exitCode).toBeNull();
  }, 90_000);
});
