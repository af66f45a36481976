// The decorators and Redis-backed sources against a real BullMQ queue on the test Redis.
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Diagnoser } from '../../src/diagnoser.js';
import type { Report } from '../../src/diagnosis/report.js';
import type { DiagnosisProducer } from '../../src/jobs/diagnosis-producer.js';
import { DIAGNOSIS_QUEUE } from '../../src/jobs/queue-names.js';
import { instrumentDiagnoser } from '../../src/metrics/instrument-diagnoser.js';
import { instrumentProducer } from '../../src/metrics/instrument-producer.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { diagnosisQueueCounts } from '../../src/metrics/queue-counts.js';
import { recordWorkerEvents } from '../../src/metrics/worker-events.js';

const redisUrl = inject('redisUrl');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function value(metrics: Metrics, series: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return (async () => {
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

describe('queue depth and job outcomes', () => {
  it('reports the diagnosis queue depth from Redis, and 0/up when Redis is unreachable', async () => {
    const prefix = `test-metrics-${randomUUID()}`;
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(DIAGNOSIS_QUEUE, { connection, prefix });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    });
    await queue.add('diagnose', { site: 'a.example' });
    await queue.add('diagnose', { site: 'b.example' }, { delay: 60_000 });

    const metrics = createMetrics({ defaultMetrics: false });
    const counts = diagnosisQueueCounts({ redisUrl, prefix });
    cleanups.push(() => counts.close());
    metrics.setQueueCounts(counts.source);
    await until(async () => (await value(metrics, 'check502_queue_jobs{state="waiting"}')) === 1);
    expect(await value(metrics, 'check502_queue_jobs{state="delayed"}')).toBe(1);
    expect(await value(metrics, 'check502_queue_counts_up')).toBe(1);

    // Nothing listens on port 1: the scrape still answers, saying the depth is unknown.
    const down = diagnosisQueueCounts({ redisUrl: 'redis://127.0.0.1:1', prefix });
    cleanups.push(() => down.close());
    metrics.setQueueCounts(down.source);
    expect(await value(metrics, 'check502_queue_counts_up')).toBe(0);
    expect(await value(metrics, 'check502_queue_jobs{state="waiting"}')).toBeUndefined();
  });

  it('counts completed, retried, failed and stalled jobs from a worker', async () => {
    const prefix = `test-metrics-${randomUUID()}`;
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(DIAGNOSIS_QUEUE, { connection, prefix });
    const worker = new Worker(
      DIAGNOSIS_QUEUE,
      async (job) => {
        if (job.data.fail) throw new Error('origin lab broke');
        return 'ok';
      },
      { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix },
    );
    cleanups.push(async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    });
    const metrics = createMetrics({ defaultMetrics: false });
    recordWorkerEvents(worker, metrics);
    await queue.add('diagnose', { fail: false });
    await queue.add('diagnose', { fail: true }, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await until(async () => (await value(metrics, 'check502_jobs_total{state="failed"}')) === 1);
    expect(await value(metrics, 'check502_jobs_total{state="completed"}')).toBe(1);
    expect(await value(metrics, 'check502_jobs_total{state="retried"}')).toBe(1);
  });
});

describe('decorators', () => {
  it('counts producer outcomes, including refusals when Redis cannot take a request', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const outcomes = ['queued', 'joined', 'down'] as const;
    let call = 0;
    // Cast: the producer interface is still growing (ready()); only request() matters here.
    const fake = {
      request: async () => {
        const outcome = outcomes[call++];
        if (outcome === 'down') throw new Error('redis down');
        return { outcome: outcome ?? 'queued', jobId: 'j' };
      },
      ping: async () => true,
      ready: async () => true,
      close: async () => {},
    } as unknown as DiagnosisProducer;
    const producer = instrumentProducer(fake, metrics);
    const data = { site: 's', input: 's', reply: { platform: 'slack', channel: 'C1' } } as const;
    await producer.request(data);
    await producer.request(data);
    await expect(producer.request(data)).rejects.toThrow('redis down');
    expect(await value(metrics, 'check502_jobs_total{state="queued"}')).toBe(1);
    expect(await value(metrics, 'check502_jobs_total{state="joined"}')).toBe(1);
    expect(await value(metrics, 'check502_jobs_total{state="refused"}')).toBe(1);
  });

  it('records every report a diagnoser returns and passes the report through', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const report: Report = {
      site: 's',
      url: 'https://s/',
      verdict: 'healthy',
      primaryCause: null,
      findings: [{ code: 'edge.ok', severity: 'ok', title: 't', detail: 'd', evidence: {}, remediation: [] }],
      checks: [{ name: 'edge', status: 'passed', durationMs: 40 }],
      startedAt: new Date(0).toISOString(),
      durationMs: 40,
      cloudflareApiCalls: 0,
    };
    let closed = false;
    const inner: Diagnoser = {
      run: async () => report,
      close: async () => {
        closed = true;
      },
    };
    const diagnoser = instrumentDiagnoser(inner, metrics);
    const target = {} as Parameters<Diagnoser['run']>[0];
    expect(await diagnoser.run(target, { timeoutMs: 1000 })).toBe(report);
    await diagnoser.close();
    expect(closed).toBe(true);
    expect(await value(metrics, 'check502_findings_total{code="edge.ok",severity="ok"}')).toBe(1);
    expect(await value(metrics, 'check502_check_duration_seconds_count{check="edge",status="passed"}')).toBe(
      1,
    );
  });
});
