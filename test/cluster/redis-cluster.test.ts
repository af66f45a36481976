// The Redis pieces on the cluster project's three-master Redis Cluster (global-redis-cluster.ts): the
// incident store and its Lua scripts, the storm script, the post ledger, and the diagnosis queue (producer, active-run join, a BullMQ worker). Everything of one
// deployment lives under a hash-tagged prefix ({…}), so each script's and each job's keys share
// one slot; the scripts declare one key of that slot so the cluster client sends them to its node.
import { type Job, Worker } from 'bullmq';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadRedisConfig } from '../../src/config.js';
import type { Alert } from '../../src/incidents/alert.js';
import { createIncidentStore } from '../../src/incidents/incident-store.js';
import { createStormStore } from '../../src/incidents/storm-store.js';
import { type DiagnosisJobData, validateJobData } from '../../src/jobs/diagnosis-job.js';
import { createDiagnosisProducer } from '../../src/jobs/diagnosis-producer.js';
import { PostLedger } from '../../src/jobs/post-ledger.js';
import { DIAGNOSIS_QUEUE } from '../../src/jobs/queue-names.js';
import { createWorkerRedis } from '../../src/jobs/redis-clients.js';
import { redisTarget } from '../../src/jobs/redis-target.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { readyInspectionClient, redisEnv, uniquePrefix } from '../support/redis-test-target.js';

const target = inject('redisTarget');

describe('on a three-master Redis Cluster', () => {
  // The modules take an ioredis client typed as a Redis; a Cluster speaks the same commands.
  let redis: Awaited<ReturnType<typeof readyInspectionClient>>;
  let client: Cluster;
  /** The deployment's prefix: the braces make every key of it hash to one slot. */
  const prefix = uniquePrefix(target, 'c502');

  beforeAll(async () => {
    redis = await readyInspectionClient(target);
    client = redis as unknown as Cluster;
  });
  afterAll(async () => {
    redis?.disconnect();
    await removePrefix(target, prefix);
  });

  it('really is a cluster: other keys land on other masters', async () => {
    const nodes = client.nodes('master');
    expect(nodes).toHaveLength(3);
    const slots = (await client.cluster('SLOTS')) as unknown[];
    expect(slots.length).toBeGreaterThanOrEqual(3);
  });

  it('runs the incident ingest and settle scripts', async () => {
    const store = createIncidentStore({ redis: redis, prefix, editIntervalMs: 1000 });
    const alert = (site: string, status: Alert['status']): Alert => ({
      site,
      status,
      fingerprint: `fp-${site}`,
      start: '2026-01-01T00:00:00Z',
      source: 'generic',
      summary: `${site} returns 502`,
    });
    const now = new Date();
    const opened = await store.ingest(
      [alert('a.example.com', 'firing'), alert('b.example.com', 'firing')],
      now,
    );
    expect(opened.map((e) => e.action)).toEqual(['opened', 'opened']);
    const again = await store.ingest([alert('a.example.com', 'firing')], now);
    expect(again[0]?.action).toBe('duplicate');
    const resolving = await store.ingest([alert('a.example.com', 'resolved')], now);
    expect(resolving[0]?.action).toBe('resolving');
    const id = resolving[0]!.id;
    const record = await store.get(id);
    expect(record?.state).toBe('resolving');
    expect(await store.settleRecheck(id, record!.gen, true, new Date(), 3)).toBe('resolved');
    expect(await store.openIds()).toEqual([opened[1]!.id]);
  });

  it('runs the storm script', async () => {
    const storms = createStormStore(redis, prefix, { minSites: 3, windowMs: 60_000 });
    expect(await storms.noteOpened(['s1#1', 's2#1'], new Date())).toBeUndefined();
    const note = await storms.noteOpened(['s3#1'], new Date());
    expect(note?.storm).toBeDefined();
  });

  it('keeps a post ledger', async () => {
    const ledger = new PostLedger(redis, prefix, 'job-1');
    await ledger.saveRoot({ platform: 'slack', channel: 'C1', root: '1.2' });
    expect(await ledger.root()).toEqual({ platform: 'slack', channel: 'C1', root: '1.2' });
    expect(await ledger.once('summary', async () => {})).toBe(true);
    expect(await ledger.once('summary', async () => {})).toBe(false);
  });

  it('queues a diagnosis, joins a second request for the site, and a worker runs it', async () => {
    const producer = createDiagnosisProducer({ connection: redis, prefix, timeoutMs: 5000 });
    const data: DiagnosisJobData = {
      site: 'shop.example.com',
      input: 'shop.example.com',
      reply: { platform: 'slack', channel: 'C0OPS' },
    };
    const first = await producer.request(data);
    expect(first.outcome).toBe('queued');
    expect((await producer.request(data)).outcome).toBe('joined');
    const ran: string[] = [];
    // The worker's own client, opened as check502's worker opens it from its configuration.
    const connection = createWorkerRedis(redisTarget(loadRedisConfig(redisEnv(target, prefix))));
    const worker = new Worker<DiagnosisJobData>(
      DIAGNOSIS_QUEUE,
      async (job: Job<DiagnosisJobData>) => {
        ran.push(validateJobData(job.data).site);
      },
      { connection, prefix },
    );
    const deadline = Date.now() + 10_000;
    while (ran.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    connection.disconnect();
    await producer.close();
    expect(ran).toEqual(['shop.example.com']);
  });
});
