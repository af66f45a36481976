// A worker dies in the middle of a diagnosis (its process hangs and loses Redis); BullMQ notices the
// stalled job and another worker runs it again. The thread is posted exactly once: the root and
// the checks already posted are skipped, the rest follow.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startServe, startWorker } from '../../src/main.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { waitUntil } from '../faults/support/check502-process.js';
import { ledgerMessages } from '../support/ledger-messages.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger, testConfig, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';

const redisUrl = inject('redisUrl');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

describe('a worker killed mid-job', () => {
  it('is retried by another worker and the thread is posted exactly once', async () => {
    const slackApi: FakeSlackApi = await startFakeSlackApi();
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const config = testConfig(redisUrl, slackApi.apiUrl, prefix);
    cleanups.push(
      () => slackApi.close(),
      () => removePrefix(redisUrl, prefix),
    );
    const stall = { lockDurationMs: 1000, stalledIntervalMs: 300 };

    const front = await startServe({ config, worker: false, logger, sinks: {} });
    cleanups.push(() => front.close());
    // Worker A hangs forever in the origin check, as a process that froze or was killed would.
    const hung = scriptedDiagnoser({ originGate: () => new Promise<void>(() => {}) });
    const workerA = await startWorker({
      config,
      logger,
      diagnoser: hung,
      sinks: { slack: fastSink(slackApi.apiUrl) },
      ...stall,
    });

    await postSigned(
      front.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('k') }),
    );
    await slackApi.waitFor(() => threadOf(slackApi).replies.length === 1); // the edge's problem posted
    // Stop A only once that post is on record in its ledger: a crash between a post and its record
    // repeats that one message by design (post-ledger.ts), which is not what this test is about.
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    cleanups.push(async () => void (await redis.quit()));
    await waitUntil(async () => (await ledgerMessages(redis, prefix)) >= 1, 'the post on record', 10_000);
    await workerA.close(0); // stops renewing its lock and drops its Redis connections

    const healthy = scriptedDiagnoser();
    const workerB = await startWorker({
      config,
      logger,
      diagnoser: healthy,
      sinks: { slack: fastSink(slackApi.apiUrl) },
      ...stall,
    });
    cleanups.push(() => workerB.close(2000));
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1, 15_000);

    const thread = threadOf(slackApi);
    expect(healthy.runs).toBe(1);
    expect(thread.roots).toHaveLength(1);
    const titles = thread.replies.map((r) => String(r.args['text']).split(':')[0]);
    expect(titles.sort()).toEqual(
      ['Cloudflare edge', 'Origin (direct)', 'shop.example.com is failing'].sort(),
    );
    for (const reply of thread.replies) expect(reply.args['thread_ts']).toBe(thread.rootTs);
    expect(thread.updates[0]?.args['ts']).toBe(thread.rootTs);
  }, 30_000);
});
