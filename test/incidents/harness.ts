// Builds the incident service and workers against the test Redis with a unique prefix, a recording
// sink per platform, a recording producer and a re-check whose verdict the test sets.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { Report, Verdict } from '../../src/diagnosis/report.js';
import { createHttpServer } from '../../src/http/server.js';
import type { Alert } from '../../src/incidents/alert.js';
import type { DiagnosisRequester, IncidentTimings } from '../../src/incidents/incident-deps.js';
import { createIncidentService, type IncidentService } from '../../src/incidents/incident-service.js';
import {
  type IncidentWorkerDeps,
  type IncidentWorkers,
  startIncidentWorkers,
} from '../../src/incidents/incident-workers.js';
import { webhookRoutes } from '../../src/incidents/webhook-routes.js';
import { RecordingSink } from './recording-sink.js';

export const logger = pino({ level: 'silent' });

export const FAST: Partial<IncidentTimings> = {
  recheckDelayMs: 30,
  editIntervalMs: 30,
  noteIntervalMs: 60_000,
  maxRechecks: 2,
};

export function report(site: string, verdict: Verdict): Report {
  return {
    site,
    url: `https://${site}/`,
    verdict,
    primaryCause: verdict === 'failing' ? 'origin.connection_refused' : null,
    findings: [],
    checks: [],
    startedAt: new Date().toISOString(),
    durationMs: 5,
    cloudflareApiCalls: 0,
  };
}

export interface Harness {
  prefix: string;
  redis: Redis;
  service: IncidentService;
  workers?: IncidentWorkers;
  slack: RecordingSink;
  discord: RecordingSink;
  requests: Parameters<DiagnosisRequester['request']>[0][];
  /** Verdict the next re-checks return. */
  verdict: { value: Verdict };
  rechecks: string[];
  startWorkers(
    timings?: Partial<IncidentTimings>,
    options?: Pick<IncidentWorkerDeps, 'lockDurationMs' | 'stalledIntervalMs' | 'rootLeaseMs'>,
  ): IncidentWorkers;
  /** Another front process: its own connection and service over the same Redis and prefix. */
  secondFront(): Promise<IncidentService>;
  close(): Promise<void>;
}

export async function createHarness(redisUrl: string, timings = FAST): Promise<Harness> {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  const connections: Redis[] = [];
  const connect = () => {
    const r = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false });
    connections.push(r);
    return r;
  };
  const redis = connect();
  const slack = new RecordingSink('slack');
  const discord = new RecordingSink('discord');
  const sinks = { slack, discord };
  const service = createIncidentService({ redis, prefix, logger, timings, sinks });
  const services: IncidentService[] = [service];
  const requests: Harness['requests'] = [];
  const verdict = { value: 'healthy' as Verdict };
  const rechecks: string[] = [];
  const producer: DiagnosisRequester = {
    async request(data) {
      requests.push(data);
      return { outcome: 'queued', jobId: `job-${requests.length}` };
    },
  };
  const workerList: IncidentWorkers[] = [];
  const harness: Harness = {
    prefix,
    redis,
    service,
    slack,
    discord,
    requests,
    verdict,
    rechecks,
    startWorkers(overrides = timings, options = {}) {
      const workers = startIncidentWorkers({
        redis,
        prefix,
        service,
        producer,
        sinks,
        channels: { slack: 'C-ALERTS', discord: '123456789' },
        recheck: async (site) => {
          rechecks.push(site);
          return report(site, verdict.value);
        },
        logger,
        timings: overrides,
        reconcileIntervalMs: 0,
        ...options,
      });
      workerList.push(workers);
      harness.workers = workers;
      return workers;
    },
    async secondFront() {
      const other = createIncidentService({ redis: connect(), prefix, logger, timings, sinks });
      services.push(other);
      return other;
    },
    async close() {
      for (const w of workerList) await w.close();
      await service.queue.obliterate({ force: true }).catch(() => {});
      for (const s of services) await s.close();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', '500');
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      for (const c of connections) c.disconnect();
    },
  };
  return harness;
}

/** The webhook routes over a harness's incident service on a loopback port (close it after). */
export async function startWebhookServer(
  h: Harness,
  options: Omit<Parameters<typeof webhookRoutes>[0], 'incidents' | 'logger'>,
): Promise<{ base: string; close(): Promise<void> }> {
  const server = createHttpServer({
    routes: webhookRoutes({ ...options, incidents: h.service, logger }),
    logger,
  });
  const address = await server.listen(0, '127.0.0.1');
  return { base: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

export function alert(site: string, overrides: Partial<Alert> = {}): Alert {
  return {
    site,
    status: 'firing',
    fingerprint: `alertmanager:${site}-fp`,
    start: '2026-03-02T13:00:00Z',
    source: 'alertmanager',
    summary: `${site} answers 502`,
    ...overrides,
  };
}

/** Polls until `check` passes (bounded: about 5 s). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Waits until the incident queue has nothing waiting, delayed or active. */
export async function settled(service: IncidentService): Promise<void> {
  await eventually(async () => {
    const counts = await service.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    const pending = Object.values(counts).reduce((a, b) => a + b, 0);
    if (pending !== 0) throw new Error(`incident queue still has ${pending} jobs`);
  });
}
