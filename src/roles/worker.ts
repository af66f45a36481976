// `check502 worker`: diagnosis workers alone, against REDIS_URL; scale out by starting more.
import type { Logger } from 'pino';
import type { ChatSink, Platform } from '../chat/sink.js';
import type { ServerConfig } from '../config.js';
import { createDiagnoser, type Diagnoser } from '../diagnoser.js';
import { type DiagnosisWorkers, startDiagnosisWorkers } from '../jobs/diagnosis-workers.js';
import { countingSinks } from '../metrics/counting-sink.js';
import { instrumentDiagnoser } from '../metrics/instrument-diagnoser.js';
import type { Metrics } from '../metrics/metrics.js';
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
}

export interface RoleHandle {
  /** Graceful stop: no new work, jobs in flight finish (within `deadlineMs`, default shutdownTimeoutMs), Redis closed. */
  close(deadlineMs?: number): Promise<void>;
}

export interface WorkerHandle extends RoleHandle {
  workers: DiagnosisWorkers;
}

export function startWorkerPool(options: WorkerRoleOptions): {
  workers: DiagnosisWorkers;
  diagnoser: Diagnoser;
} {
  const { config, logger } = options;
  const { metrics } = options;
  const baseDiagnoser = options.diagnoser ?? createDiagnoser(config);
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
  const { workers, diagnoser } = startWorkerPool(options);
  options.logger.info({ concurrency: options.config.workerConcurrency }, 'check502 worker started');
  return {
    workers,
    async close(deadlineMs = options.config.shutdownTimeoutMs) {
      await workers.close(Math.max(0, deadlineMs - 1000));
      await diagnoser.close();
      options.logger.info('check502 worker stopped');
    },
  };
}
