// Two attempts of one chat-command job at the same moment: the job's lock lapses while worker A is
// still inside chat.postMessage for the root, the stalled job goes to worker B. Slack has no
// idempotency key and the post in flight is not in the channel's history yet, so B must not post a
// root of its own: it waits until A's claim ends (A records its root) and answers in A's thread.
// Real serve front, real workers, real Redis; the loopback fake Slack holds A's root post.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, expect, inject, it } from 'vitest';
import { loadServerConfig } from '../../src/config.js';
import { DIAGNOSIS_QUEUE } from '../../src/jobs/queue-names.js';
import { startServe, startWorker } from '../../src/main.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';
import { jobQueue } from '../support/lapse-lock.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger, testConfig, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned, SIGNING_SECRET } from '../support/slack-requests.js';

const redisUrl = inject('redisUrl');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

it('a lapsed lock mid-post: the second attempt answers in the first attempt’s thread, one root', async () => {
  const slackApi = await startFakeSlackApi();
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const config = testConfig(redisUrl, slackApi.apiUrl, prefix);
  // One job at a time per worker: the stalled job cannot go back to A, whose slot is still busy.
  const single = loadServerConfig({
    REDIS_URL: redisUrl,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slackApi.apiUrl,
    CHECK502_QUEUE_PREFIX: prefix,
    CHECK502_WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'silent',
  });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const jobs = jobQueue(redis, prefix, DIAGNOSIS_QUEUE);
  cleanups.push(
    () => slackApi.close(),
    () => removePrefix(redisUrl, prefix),
    async () => redis.quit(),
    () => jobs.close(),
  );
  const stall = { lockDurationMs: 1000, stalledIntervalMs: 200 };
  let release = () => {};
  slackApi.holdPosts(new Promise<void>((resolve) => (release = resolve)));

  const front = await startServe({ config, worker: false, logger, sinks: {} });
  cleanups.push(() => front.close());
  const sink = () => ({ slack: fastSink(slackApi.apiUrl) });
  const a = await startWorker({
    config: single,
    logger,
    diagnoser: scriptedDiagnoser(),
    sinks: sink(),
    ...stall,
  });
  cleanups.push(() => a.close(3000));

  await postSigned(
    front.url,
    commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('k') }),
  );
  await slackApi.waitFor(() => slackApi.callsOf('chat.postMessage').length === 1); // A's root, held
  const job = await jobs.active();
  await jobs.lapseLock(job.id!);
  const b = await startWorker({
    config: single,
    logger,
    diagnoser: scriptedDiagnoser(),
    sinks: sink(),
    ...stall,
  });
  cleanups.push(() => b.close(3000));
  await jobs.started(job.id!, 2);
  // B is running: give it the time to post a root of its own if it would, then let A's post land.
  await slackApi.waitFor(() => threadOf(slackApi).roots.length > 1, 1500).catch(() => {});
  release();

  expect(await jobs.finished(job.id!)).toBe('completed');
  // Waiting for A's root is not a failed attempt: the job used none of its retries.
  expect(await jobs.failures(job.id!)).toEqual([]);
  await slackApi.waitFor(() => threadOf(slackApi).updates.length >= 1, 15_000);
  const thread = threadOf(slackApi);
  expect(thread.roots).toHaveLength(1);
  expect(thread.replies.length).toBeGreaterThan(0);
  for (const reply of thread.replies) expect(reply.args['thread_ts']).toBe(thread.rootTs);
  // A stopped posting once its lock was gone: each message of the thread once.
  const texts = thread.replies.map((r) => String(r.args['text']));
  expect(texts).toEqual([...new Set(texts)]);
  for (const update of thread.updates) expect(update.args['ts']).toBe(thread.rootTs);
}, 40_000);
