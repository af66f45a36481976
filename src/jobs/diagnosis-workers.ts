// BullMQ workers for diagnosis jobs. Used in-process by `serve` and alone by `worker`; several
// processes can run them against the same Redis.
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { ChatSink, Platform } from '../chat/sink.js';
import type { Diagnoser } from '../diagnoser.js';
import { createClaimant, retryWhenBusy } from '../incidents/post-claims.js';
import { ROOT_LEASE_MS } from '../incidents/root-poster.js';
import type { Metrics } from '../metrics/metrics.js';
import { recordWorkerEvents } from '../metrics/worker-events.js';
import { within } from '../time/with-timeout.js';
import { ActiveRuns } from './active-runs.js';
import type { DiagnosisJobResult } from './diagnosis-job.js';
import { DIAGNOSIS_QUEUE } from './queue-names.js';
import { closeRedis, createWorkerRedis } from './redis-clients.js';
import type { RedisTarget } from './redis-target.js';
import { type IncidentHooks, type JobDeps, runDiagnosisJob } from './run-diagnosis-job.js';

export interface WorkerOptions {
  /** REDIS_URL, or the whole target (Cluster, Sentinel). */
  redisUrl: string | RedisTarget;
  prefix: string;
  concurrency: number;
  diagnoser: Diagnoser;
  sinks: Partial<Record<Platform, ChatSink>>;
  logger: Logger;
  /** Per-probe budget when a job names none (default 10 s). */
  defaultTimeoutMs?: number;
  /** Stall detection (BullMQ defaults 30 s); tests shorten them. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Counts completed, retried, failed and stalled jobs of this process. */
  metrics?: Metrics;
  /** Incident context for the root messages of alert jobs, and where their reports are kept. */
  incidents?: IncidentHooks;
  /** Guarded fixes offered under each summary (only with CLOUDFLARE_FIX_TOKEN). */
  fixOffers?: JobDeps['fixOffers'];
}

export interface DiagnosisWorkers {
  /** True while the worker is connected and fetching jobs. */
  isRunning(): boolean;
  /** Stops fetching, waits up to `timeoutMs` for jobs in flight, then forces; closes Redis. */
  close(timeoutMs?: number): Promise<void>;
}

export function startDiagnosisWorkers(options: WorkerOptions): DiagnosisWorkers {
  const { logger } = options;
  const connection = createWorkerRedis(options.redisUrl);
  const state = createWorkerRedis(options.redisUrl);
  for (const client of [connection, state]) {
    client.on('error', (error) => logger.debug({ err: error }, 'worker redis error'));
  }
  const deps = {
    redis: state,
    prefix: options.prefix,
    diagnoser: options.diagnoser,
    sinks: options.sinks,
    runs: new ActiveRuns(state, options.prefix),
    logger,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 10_000,
    // Each worker set is one claimant: its attempts at a root run one at a time, others' are waited for.
    claimant: createClaimant(logger, { leaseMs: ROOT_LEASE_MS }),
    ...(options.incidents ? { incidents: options.incidents } : {}),
    ...(options.fixOffers ? { fixOffers: options.fixOffers } : {}),
  };
  const worker = new Worker<unknown, DiagnosisJobResult>(
    DIAGNOSIS_QUEUE,
    // A root another attempt is still posting: the job runs again later, no attempt used (post-claims.ts).
    (job, token, signal) =>
      runDiagnosisJob(job, deps, signal).catch((error: unknown) => retryWhenBusy(error, job, token)),
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
    },
  );
  if (options.metrics) recordWorkerEvents(worker, options.metrics);
  // A lock that could not be renewed means the job may already run elsewhere: this attempt stops
  // posting (runDiagnosisJob's signal), so the thread does not get each finding twice.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const id of jobIds) worker.cancelJob(id, 'lock lost');
  });
  let errorLogged = 0;
  worker.on('error', (error) => {
    // Redis outages repeat this every reconnect; keep the log readable.
    if (Date.now() - errorLogged > 10_000) {
      errorLogged = Date.now();
      logger.warn({ err: error }, 'diagnosis worker error');
    }
  });
  worker.on('stalled', (jobId) => logger.warn({ jobId }, 'diagnosis job stalled; it will be retried'));

  return {
    isRunning: () => worker.isRunning() && connection.status === 'ready',
    async close(timeoutMs = 25_000) {
      deps.claimant.stop();
      if (timeoutMs <= 0) {
        // Forced: stop renewing locks at once; jobs in flight stall and another worker retries them.
        await worker.close(true).catch(() => {});
      } else {
        const graceful = worker.close().then(() => 'closed' as const);
        const outcome = await within(graceful, timeoutMs, 'late' as const);
        if (outcome === 'late') {
          // A graceful close cannot be turned into a forced one; cutting Redis stops lock renewal, so
          // the unfinished jobs stall and are retried by another worker (their posts are idempotent).
          logger.warn({ timeoutMs }, 'jobs still running at shutdown; abandoning them to be retried');
          graceful.catch(() => {});
          state.disconnect();
          connection.disconnect();
          return;
        }
      }
      await closeRedis(state);
      await closeRedis(connection);
    },
  };
}
