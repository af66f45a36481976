// Two attempts of one post job at the same moment, on Slack: the job's lock lapses while worker A is
// still inside chat.postMessage, and worker B (another process: its own workers and claimant) runs
// the job again. The post in flight is not in the channel's history yet and Slack has no idempotency
// key, so B must wait for A's claim instead of posting: one incident root, one storm message.
// Real workers and Redis; the real Slack sink against the loopback fake, which holds A's post.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, expect, inject, it } from 'vitest';
import { SlackSink } from '../../src/chat/slack/slack-sink.js';
import { INCIDENT_QUEUE } from '../../src/incidents/incident-queue.js';
import { createIncidentService } from '../../src/incidents/incident-service.js';
import { createIncidentStore } from '../../src/incidents/incident-store.js';
import { startIncidentWorkers } from '../../src/incidents/incident-workers.js';
import { queueStormPost, STORM_QUEUE } from '../../src/incidents/storm-queue.js';
import { createStormStore } from '../../src/incidents/storm-store.js';
import { startStormWorker } from '../../src/incidents/storm-worker.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { jobQueue } from '../support/lapse-lock.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { alert, eventually, FAST, logger, report, settled } from './harness.js';

const redisUrl = inject('redisUrl');
const CHANNEL = 'C-ALERTS';
const stall = { lockDurationMs: 1000, stalledIntervalMs: 200 };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

async function setUp() {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const slackApi = await startFakeSlackApi();
  cleanups.push(
    async () => redis.quit(),
    () => removePrefix(redisUrl, prefix),
    () => slackApi.close(),
  );
  let release = () => {};
  slackApi.holdPosts(new Promise<void>((resolve) => (release = resolve)));
  const sink = () => new SlackSink({ botToken: 'xoxb-t', apiUrl: slackApi.apiUrl, logger, baseBackoffMs: 5 });
  return { prefix, redis, slackApi, release: () => release(), sink };
}

const roots = (api: FakeSlackApi) =>
  api
    .callsOf('chat.postMessage')
    .filter((c) => c.args['channel'] === CHANNEL && c.args['thread_ts'] === undefined && c.result?.['ok']);

/** Lapses the lock of the job being run while its post is held, and waits for B to run it too. */
async function race(
  t: Awaited<ReturnType<typeof setUp>>,
  queueName: string,
  startB: () => Promise<unknown> | unknown,
) {
  await t.slackApi.waitFor(() => t.slackApi.callsOf('chat.postMessage').length === 1);
  const jobs = jobQueue(t.redis, t.prefix, queueName);
  cleanups.push(() => jobs.close());
  const job = await jobs.active();
  await jobs.lapseLock(job.id!);
  await startB();
  await jobs.started(job.id!, 2);
  // B is running: time to post a message of its own if it would, then A's post lands.
  await t.slackApi.waitFor(() => roots(t.slackApi).length > 1, 1500).catch(() => {});
  t.release();
  return {
    /** Waiting for another attempt is not a failed attempt: the job used none of its retries. */
    async expectNoFailedAttempt() {
      expect(await jobs.finished(job.id!)).toBe('completed');
      expect(await jobs.failures(job.id!)).toEqual([]);
    },
  };
}

it('an incident root: the second attempt adopts the root still being posted', async () => {
  const t = await setUp();
  const service = createIncidentService({
    redis: t.redis,
    prefix: t.prefix,
    logger,
    timings: FAST,
    sinks: {},
  });
  const start = () => {
    const workers = startIncidentWorkers({
      redis: t.redis,
      prefix: t.prefix,
      service,
      producer: { request: async () => ({ outcome: 'queued', jobId: 'j' }) },
      sinks: { slack: t.sink() },
      channels: { slack: CHANNEL },
      recheck: async (site) => report(site, 'failing'),
      logger,
      timings: FAST,
      reconcileIntervalMs: 0,
      concurrency: 1,
      ...stall,
    });
    cleanups.push(() => workers.close());
  };
  start();
  await service.ingest([alert('shop.example.com')]);
  const raced = await race(t, INCIDENT_QUEUE, start);

  await eventually(
    async () => expect((await service.store.get('shop.example.com#1'))?.threads.slack).toBeDefined(),
    15_000,
  );
  await settled(service);
  expect(roots(t.slackApi)).toHaveLength(1);
  const thread = (await service.store.get('shop.example.com#1'))?.threads.slack;
  expect(thread?.root).toBe(roots(t.slackApi)[0]?.result?.['ts']);
  await raced.expectNoFailedAttempt();
}, 40_000);

it('a storm message: the second attempt waits for the message still being posted', async () => {
  const t = await setUp();
  const store = createIncidentStore({ redis: t.redis, prefix: t.prefix, editIntervalMs: 30 });
  const storms = createStormStore(t.redis, t.prefix);
  const queue = new Queue(STORM_QUEUE, { connection: t.redis.duplicate(), prefix: t.prefix });
  cleanups.push(() => queue.close());
  const start = () => {
    const worker = startStormWorker({
      redis: t.redis,
      prefix: t.prefix,
      store,
      storms,
      queue,
      sinks: { slack: t.sink() },
      channels: { slack: CHANNEL },
      recheck: async (site) => report(site, 'failing'),
      logger,
      clock: { now: () => new Date() },
      probeBudgetMs: 50,
      editWindowMs: 1000,
      ...stall,
    });
    cleanups.push(() => worker.close());
  };
  start();
  const note = await storms.noteOpened(['a.example.com#1', 'b.example.com#1', 'c.example.com#1'], new Date());
  await queueStormPost(queue, note!.storm);
  await race(t, STORM_QUEUE, start);

  await eventually(async () => expect((await storms.get(note!.storm))?.messages.slack).toBeDefined(), 15_000);
  await eventually(
    async () => expect(await queue.getJobState(`post-${note!.storm}`)).toBe('completed'),
    15_000,
  );
  expect(roots(t.slackApi)).toHaveLength(1);
  expect((await storms.get(note!.storm))?.messages.slack?.root).toBe(roots(t.slackApi)[0]?.result?.['ts']);
}, 40_000);
