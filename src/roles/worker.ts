// `check502 worker`: diagnosis workers alone, against REDIS_URL; scale out by starting more.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ChatSink, Platform } from '../chat/sink.js';
import type { ServerConfig } from '../config.js';
import { createDiagnoser, type Diagnoser } from '../diagnoser.js';
import { type DiagnosisWorkers, startDiagnosisWorkers } from '../jobs/diagnosis-workers.js';
import { rateLimitCountingFetch } from '../metrics/cloudflare-fetch.js';
import { countingSinks } from '../metrics/counting-sink.js';
import { instrumentDiagnoser } from '../metrics/instrument-diagnoser.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { type OpsServer, startOpsServer } from '../metrics/ops-server.js';
import { diagnosisQueueCounts } from '../metrics/queue-counts.js';
import { buildSinks } from './sinks.js';

export interface WorkerRoleOptions {
  config: ServerConfig;
  logger: Logger;
  /** Overrides for tests and benchmarks; built from config when absent. */
  diagnoser?: Diagnoser;
  sinks?: Partial<Record<Platform, ChatSink>>;
  /** Stall detection, for tests (BullMQ defaults otherwise). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Where job outcomes, check durations, findings and chat posts are counted (serve's /metrics). */
  metrics?: Metrics;
  /** Listen for /healthz, /readyz and /metrics (`check502 worker` serves no other HTTP). */
  ops?: { port: number; host?: string };
}

export interface RoleHandle {
  /** Graceful stop: no new work, jobs in flight finish (within `deadlineMs`, default shutdownTimeoutMs), Redis closed. */
  close(deadlineMs?: number): Promise<void>;
}

export interface WorkerHandle extends RoleHandle {
  workers: DiagnosisWorkers;
  /** Where the ops listener listens, when `ops` was given. */
  ops?: AddressInfo;
}

export function startWorkerPool(options: WorkerRoleOptions): {
  workers: DiagnosisWorkers;
  diagnoser: Diagnoser;
} {
  const { config, logger } = options;
  const { metrics } = options;
  const baseDiagnoser =
    options.diagnoser ??
    createDiagnoser(config, metrics ? { cloudflareFetch: rateLimitCountingFetch(metrics) } : {});
  const diagnoser = metrics ? instrumentDiagnoser(baseDiagnoser, metrics) : baseDiagnoser;
  const baseSinks = options.sinks ?? buildSinks(config, logger, metrics);
  const workerOptions: Parameters<typeof startDiagnosisWorkers>[0] = {
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    diagnoser,
    sinks: metrics ? countingSinks(baseSinks, metrics) : baseSinks,
    logger: logger.child({ role: 'worker' }),
  };
  if (options.lockDurationMs !== undefined) workerOptions.lockDurationMs = options.lockDurationMs;
  if (options.stalledIntervalMs !== undefined) workerOptions.stalledIntervalMs = options.stalledIntervalMs;
  if (metrics) workerOptions.metrics = metrics;
  return { workers: startDiagnosisWorkers(workerOptions), diagnoser };
}

export async function startWorker(options: WorkerRoleOptions): Promise<WorkerHandle> {
  const { config } = options;
  const metrics = options.ops ? (options.metrics ?? createMetrics()) : options.metrics;
  const { workers, diagnoser } = startWorkerPool(metrics ? { ...options, metrics } : options);
  let ops: OpsServer | undefined;
  let queueCounts: ReturnType<typeof diagnosisQueueCounts> | undefined;
  if (options.ops && metrics) {
    queueCounts = diagnosisQueueCounts({ redisUrl: config.redisUrl, prefix: config.queuePrefix });
    metrics.setQueueCounts(queueCounts.source);
    try {
      ops = await startOpsServer({
        metrics,
        probes: [{ name: 'workers', check: async () => workers.isRunning() }],
        logger: options.logger.child({ component: 'ops-http' }),
        port: options.ops.port,
        ...(options.ops.host === undefined ? {} : { host: options.ops.host }),
      });
    } catch (error) {
      // Port taken or not allowed: stop what started instead of running half-configured.
      await workers.close(0);
      await queueCounts.close();
      throw error;
    }
  }
  options.logger.info(
    { concurrency: config.workerConcurrency, ...(ops ? { opsPort: ops.address.port } : {}) },
    'check502 worker started',
  );
  return {
    workers,
    ...(ops ? { ops: ops.address } : {}),
    async close(deadlineMs = options.config.shutdownTimeoutMs) {
      await ops?.close();
      await workers.close(Math.max(0, deadlineMs - 1000));
      await queueCounts?.close();
      await diagnoser.close();
      options.logger.info('check502 worker stopped');
    },
  };
}
