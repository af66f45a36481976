// `npm run bench monitors`: 1,000 monitors on one worker, on a throwaway Redis. The real monitor
// service adds them (store + one BullMQ job scheduler each) and the real monitor workers run them,
// with a light check that answers at once (no network: this measures scheduling, not probing).
// Baseline in the same run: 1,000 bare BullMQ job schedulers whose worker does nothing.
//
// The interval is shortened from 1 minute to 10 s so that three rounds fit in about 30 s: six times
// the checks per second of 1-minute monitors. BullMQ aligns `every` to multiples of the interval, so
// all 1,000 checks of a round fall due at the same instant — the worst case for drift.
// Drift: when a check became active (the Redis time of its `active` event) minus when it was due
// (the timestamp in its scheduler job id, `repeat:<scheduler>:<millis>`). CPU per check: this
// process's user+system CPU over the rounds divided by the checks completed (worker, Redis client
// and the event listener together).
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createMonitorService } from '../src/monitors/monitor-service.js';
import { startMonitorWorkers } from '../src/monitors/monitor-workers.js';
import { startRedisServer } from '../test/support/redis-server.js';
import type { BenchRow } from './run.js';

const MONITORS = 1000;
const EVERY_MS = 10_000;
const ROUNDS = 3;
const CONCURRENCY = 20;

interface Measured {
  driftP50: number;
  driftP99: number;
  cpuPerCheckMs: number;
  checks: number;
}

export default async function bench(): Promise<BenchRow[]> {
  const server = await startRedisServer();
  try {
    const bare = await measure(server.url, 'bare', async (prefix, redis) => {
      const queue = new Queue('monitor', { connection: redis, prefix });
      for (let i = 0; i < MONITORS; i++)
        await queue.upsertJobScheduler(
          `s${i}`,
          { every: EVERY_MS },
          { name: 'check', data: { id: String(i) } },
        );
      const connection = new Redis(server.url, { maxRetriesPerRequest: null });
      const worker = new Worker('monitor', async () => 'ok', {
        connection,
        prefix,
        concurrency: CONCURRENCY,
      });
      return async () => {
        await worker.close();
        await queue.close();
        connection.disconnect();
      };
    });
    const real = await measure(server.url, 'monitors', async (prefix, redis) => {
      const service = createMonitorService({ redis, prefix });
      for (let i = 0; i < MONITORS; i++) {
        const added = await service.add({
          platform: 'slack',
          channel: `C${Math.floor(i / 25)}`,
          site: `site-${i}.example.com`,
        });
        if (added.result !== 'added') throw new Error(`monitor ${i}: ${added.result}`);
      }
      // The service schedules at its own interval (1 min); the bench's shorter one replaces it.
      const queue = new Queue('monitor', { connection: redis, prefix });
      for (const s of await queue.getJobSchedulers(0, -1)) {
        if (!s.key) continue;
        await queue.upsertJobScheduler(
          s.key,
          { every: EVERY_MS },
          { name: 'check', data: s.template?.data ?? {} },
        );
      }
      const workers = startMonitorWorkers({
        redisUrl: server.url,
        prefix,
        concurrency: CONCURRENCY,
        check: async () => ({ healthy: true, summary: 'ok' }),
        ingest: async () => undefined,
        logger: pino({ level: 'silent' }),
      });
      return async () => {
        await workers.close();
        await queue.close();
        await service.close();
      };
    });
    const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 0.001)) * 100) / 100;
    const label = `${MONITORS} monitors every ${EVERY_MS / 1000} s (1 min shortened), one worker`;
    return [
      {
        bench: 'monitors',
        metric: `${label}: checks run`,
        value: real.checks,
        unit: 'checks',
        target: `>= ${MONITORS * (ROUNDS - 1)}`,
        pass: real.checks >= MONITORS * (ROUNDS - 1),
      },
      {
        bench: 'monitors',
        metric: 'bare BullMQ schedulers (baseline): drift p99',
        value: bare.driftP99,
        unit: 'ms',
        target: '',
      },
      { bench: 'monitors', metric: `${label}: drift p50`, value: real.driftP50, unit: 'ms', target: '' },
      {
        bench: 'monitors',
        metric: `${label}: drift p99`,
        value: real.driftP99,
        unit: 'ms',
        target: '< 6000 (10% of 1 min)',
        pass: real.driftP99 < 6000,
      },
      {
        bench: 'monitors',
        metric: 'drift p99 / bare BullMQ (same run)',
        value: ratio(real.driftP99, bare.driftP99),
        unit: 'x',
        target: '',
      },
      {
        bench: 'monitors',
        metric: 'bare BullMQ (baseline): CPU per check',
        value: bare.cpuPerCheckMs,
        unit: 'ms',
        target: '',
      },
      {
        bench: 'monitors',
        metric: `${label}: CPU per check`,
        value: real.cpuPerCheckMs,
        unit: 'ms',
        target: '',
      },
      {
        bench: 'monitors',
        metric: 'CPU per check / bare BullMQ (same run)',
        value: ratio(real.cpuPerCheckMs, bare.cpuPerCheckMs),
        unit: 'x',
        target: '< 3',
        pass: ratio(real.cpuPerCheckMs, bare.cpuPerCheckMs) < 3,
      },
    ];
  } finally {
    await server.remove();
  }
}

/** Sets up 1,000 schedulers and their worker, then records drift and CPU over whole rounds. */
async function measure(
  url: string,
  name: string,
  setUp: (prefix: string, redis: Redis) => Promise<() => Promise<void>>,
): Promise<Measured> {
  const prefix = `bench-${name}-${process.pid}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const eventsRedis = new Redis(url, { maxRetriesPerRequest: null });
  const events = new QueueEvents('monitor', {
    connection: eventsRedis,
    prefix,
  });
  await events.waitUntilReady();
  const drifts: number[] = [];
  let completed = 0;
  let measuring = false;
  events.on('active', ({ jobId }, id) => {
    const due = Number(/^repeat:.+:(\d+)$/.exec(jobId)?.[1]);
    const at = Number(id.split('-')[0]);
    if (measuring && Number.isFinite(due)) drifts.push(Math.max(0, at - due));
  });
  events.on('completed', () => {
    if (measuring) completed += 1;
  });
  const tearDown = await setUp(prefix, redis);
  try {
    // Skip the immediate first run and start on a round boundary, so every round is whole.
    const next = Math.ceil((Date.now() + 1000) / EVERY_MS) * EVERY_MS;
    await sleep(next - Date.now() - 50);
    measuring = true;
    const cpu = process.cpuUsage();
    await sleep(ROUNDS * EVERY_MS - 100);
    const used = process.cpuUsage(cpu);
    measuring = false;
    const sorted = drifts.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      driftP50: at(0.5),
      driftP99: at(0.99),
      cpuPerCheckMs: Math.round(((used.user + used.system) / 1000 / Math.max(1, completed)) * 100) / 100,
      checks: completed,
    };
  } finally {
    await tearDown();
    await events.close();
    eventsRedis.disconnect();
    await redis.flushall();
    redis.disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
