// The producer against real Redis: validation, joining a running diagnosis, re-runs, and a worker
// refusing bad data without retries.
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { InvalidJobDataError } from '../../src/jobs/diagnosis-job.js';
import { createDiagnosisProducer, type DiagnosisProducer } from '../../src/jobs/diagnosis-producer.js';
import { startDiagnosisWorkers } from '../../src/jobs/diagnosis-workers.js';
import { createWatchService } from '../../src/watch/watch-service.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { logger } from '../support/slack-harness.js';

const redisUrl = inject('redisUrl');
let prefix = '';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers.length = 0;
  await removePrefix(redisUrl, prefix);
});

async function producer(): Promise<DiagnosisProducer> {
  prefix = `t${randomUUID().slice(0, 8)}`;
  const p = createDiagnosisProducer({ redisUrl, prefix });
  closers.push(() => p.close());
  expect(await p.ready(3000)).toBe(true);
  return p;
}

const slack = { platform: 'slack' as const, channel: 'C1' };

describe('createDiagnosisProducer', () => {
  it('refuses invalid job data before it reaches Redis', async () => {
    const p = await producer();
    await expect(p.request({ site: '', input: 'x', reply: slack })).rejects.toBeInstanceOf(
      InvalidJobDataError,
    );
    await expect(
      p.request({ site: 'a.example.com', input: 'x', reply: { platform: 'slack', channel: '' } }),
    ).rejects.toBeInstanceOf(InvalidJobDataError);
  });

  it('joins a request to the run of the same site, per platform', async () => {
    const p = await producer();
    const first = await p.request({ site: 'shop.example.com', input: 'shop.example.com', reply: slack });
    const second = await p.request({
      site: 'shop.example.com',
      input: 'https://shop.example.com/x',
      reply: { ...slack, channel: 'C2' },
    });
    const other = await p.request({ site: 'blog.example.com', input: 'blog.example.com', reply: slack });
    const discord = await p.request({
      site: 'shop.example.com',
      input: 'shop.example.com',
      reply: { platform: 'discord', channel: '123456' },
    });
    expect(first.outcome).toBe('queued');
    expect(second).toEqual({ outcome: 'joined', jobId: first.jobId });
    expect(other.outcome).toBe('queued');
    expect(discord).toMatchObject({ outcome: 'queued' });
  });

  it('queues a re-run into its thread, and joins a second click while it runs', async () => {
    const p = await producer();
    const thread = { platform: 'slack' as const, channel: 'C1', root: '1.000001' };
    const rerun = await p.request({
      site: 'shop.example.com',
      input: 'shop.example.com',
      reply: slack,
      thread,
      run: 2,
    });
    expect(rerun).toMatchObject({ outcome: 'queued', thread });
    const again = await p.request({
      site: 'shop.example.com',
      input: 'shop.example.com',
      reply: slack,
      thread,
      run: 2,
    });
    expect(again).toEqual({ outcome: 'joined', jobId: rerun.jobId, thread });
    // A new command for the site joins the re-run and is pointed to its thread.
    const command = await p.request({ site: 'shop.example.com', input: 'shop.example.com', reply: slack });
    expect(command).toEqual({ outcome: 'joined', jobId: rerun.jobId, thread });
  });

  it('answers "watched", claiming nothing, when asked unless watched while a watch holds the site', async () => {
    const p = await producer();
    const redis = new Redis(redisUrl);
    closers.push(async () => void redis.disconnect());
    const watches = createWatchService({ redis, prefix });
    closers.push(() => watches.close());
    const site = 'shop.example.com';
    // No watch: the same single request claims and queues.
    const free = await p.requestUnlessWatched({ site: 'free.example.com', input: 'x', reply: slack });
    expect(free).toMatchObject({ outcome: 'queued' });
    const started = await watches.start({ site, input: site, reply: slack, durationMs: 30 * 60_000 });
    expect(started.outcome).toBe('started');
    const watched = await p.requestUnlessWatched({ site, input: site, reply: slack });
    expect(watched).toBe('watched');
    // Nothing was claimed: a plain request (what the front sends once the watch is gone) still queues.
    const plain = await p.request({ site, input: site, reply: slack });
    expect(plain.outcome).toBe('queued');
    // Per platform, like the watch itself.
    const discord = await p.requestUnlessWatched({
      site,
      input: site,
      reply: { platform: 'discord', channel: '123456' },
    });
    expect(discord).toMatchObject({ outcome: 'queued' });
  });

  it('fails bad job data in the worker without retrying it', async () => {
    await producer();
    const queue = new Queue('diagnosis', {
      connection: { host: new URL(redisUrl).hostname, port: Number(new URL(redisUrl).port) },
      prefix,
    });
    const events = new QueueEvents('diagnosis', {
      connection: { host: new URL(redisUrl).hostname, port: Number(new URL(redisUrl).port) },
      prefix,
    });
    closers.push(
      () => queue.close(),
      () => events.close(),
    );
    await events.waitUntilReady();
    const workers = startDiagnosisWorkers({
      redisUrl,
      prefix,
      concurrency: 1,
      diagnoser: scriptedDiagnoser(),
      sinks: {},
      logger,
    });
    closers.push(() => workers.close(2000));
    const job = await queue.add(
      'diagnose',
      { site: 42 },
      { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
    );
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid diagnosis job data/);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
  });
});
