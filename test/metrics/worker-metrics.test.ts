// `check502 worker` with its ops listener: after one job, its /metrics shows the job's outcome,
// checks, findings and chat posts, and /readyz reflects the workers.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createDiagnosisProducer } from '../../src/jobs/diagnosis-producer.js';
import { startWorker, type WorkerHandle } from '../../src/roles/worker.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger, testConfig, threadOf } from '../support/slack-harness.js';
import { sample } from './support/sample.js';

const redisUrl = inject('redisUrl');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

describe('worker ops listener', () => {
  it('serves /healthz, /readyz and the metrics of the jobs it ran', async () => {
    const slackApi: FakeSlackApi = await startFakeSlackApi();
    const prefix = `wm${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const config = testConfig(redisUrl, slackApi.apiUrl, prefix);
    const worker: WorkerHandle = await startWorker({
      config,
      logger,
      diagnoser: scriptedDiagnoser(),
      sinks: { slack: fastSink(slackApi.apiUrl) },
      ops: { port: 0, host: '127.0.0.1' },
    });
    const producer = createDiagnosisProducer({ redisUrl, prefix });
    cleanups.push(
      () => slackApi.close(),
      () => removePrefix(redisUrl, prefix),
      () => worker.close(2000),
      () => producer.close(),
    );
    expect(await producer.ready(5000)).toBe(true);
    const port = worker.ops?.port;
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, text: await response.text() };
    };
    expect((await get('/healthz')).status).toBe(200);

    await producer.request({
      site: 'shop.example.com',
      input: 'shop.example.com',
      reply: { platform: 'slack', channel: 'C0OPS' },
    });
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1, 20_000);
    let text = '';
    const deadline = Date.now() + 10_000;
    while (sample(text, 'check502_jobs_total{state="completed"}') !== 1 && Date.now() < deadline) {
      text = (await get('/metrics')).text;
    }
    expect(sample(text, 'check502_jobs_total{state="completed"}')).toBe(1);
    expect(sample(text, 'check502_findings_total{code="edge.error",severity="error"}')).toBe(1);
    expect(sample(text, 'check502_chat_posts_total{platform="slack",kind="summary",outcome="ok"}')).toBe(1);
    expect(sample(text, 'check502_queue_counts_up')).toBe(1);
    expect((await get('/readyz')).status).toBe(200);
  }, 30_000);
});
