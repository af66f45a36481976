// Alert storm: 5,000 Alertmanager alerts for 20 sites from 100 concurrent senders against the real
// HTTP server (`startServe` with the webhook routes) and a throwaway Redis. Checks that the storm
// becomes exactly 20 incidents and 20 root messages with every alert counted; measures ingest
// latency, the server's CPU per alert and its resident memory. The senders (keep-alive undici pool)
// run in a child process, so neither their CPU nor their memory is counted as the server's.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Pool } from 'undici';
import { loadServerConfig } from '../src/config.js';
import type { DiagnosisRequester } from '../src/incidents/incident-deps.js';
import { createIncidentService } from '../src/incidents/incident-service.js';
import { startIncidentWorkers } from '../src/incidents/incident-workers.js';
import { webhookRoutes } from '../src/incidents/webhook-routes.js';
import { startServe } from '../src/roles/serve.js';
import { RecordingSink } from '../test/incidents/recording-sink.js';
import { startRedisServer } from '../test/support/redis-server.js';
import type { BenchRow } from './run.js';

const ALERTS = 5000;
const SITES = 20;
const SENDERS = 100;
const SECRET = 'bench-webhook-secret-0123456789';

export default async function bench(): Promise<BenchRow[]> {
  const redisServer = await startRedisServer();
  const logger = pino({ level: 'silent' });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
  const slack = new RecordingSink('slack');
  const prefix = 'bench';
  const timings = { editIntervalMs: 2_000, recheckDelayMs: 60_000 };
  const service = createIncidentService({ redis, prefix, logger, timings, sinks: { slack } });
  const requests: unknown[] = [];
  const producer: DiagnosisRequester = {
    request: async (data) => {
      requests.push(data);
      return { outcome: 'queued', jobId: `bench-${requests.length}` };
    },
  };
  const workers = startIncidentWorkers({
    redis,
    prefix,
    service,
    producer,
    sinks: { slack },
    channels: { slack: 'C-BENCH' },
    recheck: () => Promise.reject(new Error('no re-checks in this benchmark')),
    logger,
    timings,
    reconcileIntervalMs: 0,
  });
  const config = loadServerConfig({
    REDIS_URL: redisServer.url,
    PORT: '0',
    HOST: '127.0.0.1',
    CHECK502_WEBHOOK_SECRET: SECRET,
    CHECK502_QUEUE_PREFIX: prefix,
  });
  const serve = await startServe({
    config,
    worker: false,
    logger,
    sinks: { slack },
    extraRoutes: webhookRoutes({ secret: SECRET, incidents: service, logger }),
  });
  try {
    // The senders run in their own process, as Alertmanager would: sharing this event loop, their
    // work would be timed as the server's latency.
    const cpuBefore = process.cpuUsage();
    const storm = await runSenders(serve.url);
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerAlertUs = (cpu.user + cpu.system) / ALERTS;
    const { latencies, failures, seconds } = storm;
    process.stderr.write(
      `incidents: p90 ${Math.round([...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.9)] ?? 0)} ms, max ${Math.round(Math.max(...latencies))} ms\n`,
    );

    // Let the incident workers post the roots and the last edits.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const counts = await service.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      if (Object.values(counts).every((c) => c === 0) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    let counted = 0;
    let incidents = 0;
    for (let s = 0; s < SITES; s++) {
      const id = await service.store.currentOf(`site-${s}.example.com`);
      const record = id ? await service.store.get(id) : undefined;
      if (record) {
        incidents++;
        counted += record.alerts;
      }
    }
    const roots = slack.of('startThread').length;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    const name = 'incidents';
    return [
      {
        bench: name,
        metric: 'incidents opened',
        value: incidents,
        unit: 'count',
        target: `= ${SITES}`,
        pass: incidents === SITES,
      },
      {
        bench: name,
        metric: 'root messages',
        value: roots,
        unit: 'count',
        target: `= ${SITES}`,
        pass: roots === SITES,
      },
      {
        bench: name,
        metric: 'alerts counted',
        value: counted,
        unit: 'count',
        target: `= ${ALERTS}`,
        pass: counted === ALERTS && failures === 0,
      },
      { bench: name, metric: 'root edits', value: slack.of('updateRoot').length, unit: 'count', target: '' },
      { bench: name, metric: 'ingest p50', value: pct(0.5), unit: 'ms', target: '' },
      {
        bench: name,
        metric: 'ingest p99',
        value: pct(0.99),
        unit: 'ms',
        target: '< 50',
        pass: pct(0.99) < 50,
      },
      { bench: name, metric: 'ingest rate', value: ALERTS / seconds, unit: 'alerts/s', target: '' },
      {
        bench: name,
        metric: 'server CPU per alert',
        value: cpuPerAlertUs,
        unit: 'µs',
        target: '',
      },
      {
        bench: name,
        metric: 'resident memory',
        value: rssMb,
        unit: 'MB',
        target: '< 250',
        pass: rssMb < 250,
      },
    ];
  } finally {
    await serve.close();
    await workers.close();
    await service.close();
    redis.disconnect();
    await redisServer.stop();
  }
}

interface StormResult {
  latencies: number[];
  failures: number;
  /** Wall time of the storm itself (connections open), without the child's start-up. */
  seconds: number;
}

/** Runs the senders in a child process (this file in sender mode) and collects what they measured. */
async function runSenders(url: string): Promise<StormResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_INCIDENTS_SENDERS: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`incident senders exited with ${code}`);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as StormResult;
}

/** Sender mode: 100 keep-alive senders post ALERTS Alertmanager deliveries, then print the latencies. */
async function senders(url: string): Promise<void> {
  // undici's Pool rather than fetch: the senders should cost the shared CPU as little as possible.
  const pool = new Pool(url, { connections: SENDERS, pipelining: 1 });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  let wall = 0;
  let opened = 0;
  const sender = async () => {
    // Open this sender's keep-alive connection first (as Alertmanager keeps one): a burst of 100
    // fresh connects can overflow a small listen backlog and time one SYN retransmit (1 s).
    await (await pool.request({ method: 'GET', path: '/healthz', headersTimeout: 10_000 })).body.dump();
    if (++opened === 1) wall = performance.now();
    for (;;) {
      const n = next++;
      if (n >= ALERTS) return;
      const site = `site-${n % SITES}.example.com`;
      const body = JSON.stringify({
        version: '4',
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'Http502', instance: `https://${site}/` },
            annotations: { summary: `${site} answers 502` },
            startsAt: new Date(1_772_456_000_000 + n * 1000).toISOString(),
            fingerprint: `fp${n.toString(16).padStart(8, '0')}`,
          },
        ],
      });
      const started = performance.now();
      const response = await pool.request({
        method: 'POST',
        path: '/webhooks/alertmanager',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await response.body.dump();
      latencies.push(performance.now() - started);
      if (response.statusCode !== 202) failures++;
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  await pool.close();
  const seconds = (performance.now() - wall) / 1000;
  process.stdout.write(JSON.stringify({ latencies, failures, seconds } satisfies StormResult));
}

const sendersUrl = process.env['BENCH_INCIDENTS_SENDERS'];
if (sendersUrl !== undefined) await senders(sendersUrl);
