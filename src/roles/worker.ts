// `check502 worker`: diagnosis workers alone, against REDIS_URL; scale out by starting more.
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { checkChatCredentials } from '../chat/check-chat-credentials.js';
import type { ChatSink, Platform } from '../chat/sink.js';
import type { ServerConfig } from '../config.js';
import { createDiagnoser, type Diagnoser } from '../diagnoser.js';
import { parseSite } from '../diagnosis/target.js';
import type { AlertChannels, DiagnosisRequester, IncidentTimings } from '../incidents/incident-deps.js';
import { createIncidentService, type IncidentService } from '../incidents/incident-service.js';
import { type IncidentWorkers, startIncidentWorkers } from '../incidents/incident-workers.js';
import { createDiagnosisProducer } from '../jobs/diagnosis-producer.js';
import { type DiagnosisWorkers, startDiagnosisWorkers } from '../jobs/diagnosis-workers.js';
import { closeRedis, createFrontRedis } from '../jobs/redis-clients.js';
import { rateLimitCountingFetch } from '../metrics/cloudflare-fetch.js';
import { countingSinks } from '../metrics/counting-sink.js';
import { instrumentDiagnoser } from '../metrics/instrument-diagnoser.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { type OpsServer, startOpsServer } from '../metrics/ops-server.js';
import { diagnosisQueueCounts } from '../metrics/queue-counts.js';
import { startMonitorWorkers } from '../monitors/monitor-workers.js';
import { startWorkerFixes } from './fix-wiring.js';
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
  /** Alert incidents: their workers run next to the diagnosis workers (built by startWorker when absent). */
  incidents?: PoolIncidents;
  /** Incident delays and windows, for tests (product defaults otherwise). */
  incidentTimings?: Partial<IncidentTimings>;
}

export interface PoolIncidents {
  service: IncidentService;
  /** Queues each incident's diagnosis (per platform, in the incident's thread). */
  producer: DiagnosisRequester;
  /** Duplicated for the incident workers' blocking connection. */
  redis: Redis;
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
  incidentWorkers?: IncidentWorkers;
} {
  const { config, logger } = options;
  const { metrics } = options;
  const baseDiagnoser =
    options.diagnoser ??
    createDiagnoser(config, metrics ? { cloudflareFetch: rateLimitCountingFetch(metrics) } : {});
  const diagnoser = metrics ? instrumentDiagnoser(baseDiagnoser, metrics) : baseDiagnoser;
  const baseSinks = buildSinks(config, logger, metrics, options.sinks);
  const sinks = metrics ? countingSinks(baseSinks, metrics) : baseSinks;
  const workerOptions: Parameters<typeof startDiagnosisWorkers>[0] = {
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    diagnoser,
    sinks,
    logger: logger.child({ role: 'worker' }),
  };
  const incidents = options.incidents;
  if (incidents) workerOptions.incidents = incidents.service;
  if (options.lockDurationMs !== undefined) workerOptions.lockDurationMs = options.lockDurationMs;
  if (options.stalledIntervalMs !== undefined) workerOptions.stalledIntervalMs = options.stalledIntervalMs;
  if (metrics) workerOptions.metrics = metrics;
  // Guarded fixes: offers under each summary and the fix worker (re-checks go through a producer).
  const recheckProducer = config.cloudflareFixToken
    ? (options.incidents?.producer ??
      createDiagnosisProducer({ redisUrl: config.redisUrl, prefix: config.queuePrefix }))
    : undefined;
  const fixes = recheckProducer ? startWorkerFixes(config, sinks, recheckProducer, logger) : undefined;
  if (fixes) workerOptions.fixOffers = fixes.offer;
  const workers = withFixesClosed(startDiagnosisWorkers(workerOptions), async () => {
    await fixes?.close();
    if (recheckProducer && recheckProducer !== options.incidents?.producer && 'close' in recheckProducer)
      await (recheckProducer as { close(): Promise<void> }).close();
  });
  if (!incidents) return { workers, diagnoser };
  const channels: AlertChannels = {};
  if (config.alertSlackChannel !== undefined) channels.slack = config.alertSlackChannel;
  if (config.alertDiscordChannel !== undefined) channels.discord = config.alertDiscordChannel;
  const incidentWorkers = startIncidentWorkers({
    redis: incidents.redis,
    prefix: config.queuePrefix,
    service: incidents.service,
    producer: incidents.producer,
    sinks,
    channels,
    // The bot's own check before an incident closes: a diagnosis that posts nothing.
    recheck: async (site) => {
      const parsed = parseSite(site);
      if (!parsed.ok) throw new Error(`cannot re-check ${site}: ${parsed.reason}`);
      return diagnoser.run(parsed.target, { timeoutMs: 10_000 });
    },
    logger,
    ...(options.incidentTimings ? { timings: options.incidentTimings } : {}),
    ...(options.lockDurationMs !== undefined ? { lockDurationMs: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs !== undefined ? { stalledIntervalMs: options.stalledIntervalMs } : {}),
  });
  const monitorWorkers = startMonitorWorkers({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    check: async (site) => {
      const parsed = parseSite(site);
      if (!parsed.ok) throw new Error(`cannot check ${site}: ${parsed.reason}`);
      const report = await diagnoser.run(parsed.target, { timeoutMs: 10_000, light: true, samples: 3 });
      const cause = report.findings.find((f) => f.code === report.primaryCause);
      return {
        healthy: !report.findings.some((f) => f.severity === 'error'),
        summary: cause?.title ?? report.verdict,
      };
    },
    ingest: (alerts) => incidents.service.ingest(alerts),
    logger,
  });
  // Monitor workers stop with the incident workers they feed.
  const withMonitors: IncidentWorkers = {
    reconcile: () => incidentWorkers.reconcile(),
    async close() {
      await monitorWorkers.close();
      await incidentWorkers.close();
    },
  };
  return { workers, diagnoser, incidentWorkers: withMonitors };
}

/** The diagnosis workers, closing the fix worker with them. */
function withFixesClosed(workers: DiagnosisWorkers, closeFixes: () => Promise<void>): DiagnosisWorkers {
  return {
    isRunning: () => workers.isRunning(),
    async close(timeoutMs) {
      await workers.close(timeoutMs);
      await closeFixes().catch(() => {});
    },
  };
}

/** The incident service and a producer on one fail-fast Redis client (the caller quits it). */
export function createPoolIncidents(
  config: ServerConfig,
  logger: Logger,
  options: {
    sinks?: Partial<Record<Platform, ChatSink>>;
    timings?: Partial<IncidentTimings>;
    /** serve's own producer (kept open); one on this client is made when absent. */
    producer?: DiagnosisRequester;
  } = {},
): PoolIncidents & { close(): Promise<void> } {
  const redis = createFrontRedis(config.redisUrl, { autoPipelining: true });
  redis.on('error', () => {}); // surfaced by /readyz and by the requests that fail
  const service = createIncidentService({
    redis,
    prefix: config.queuePrefix,
    logger: logger.child({ component: 'incidents' }),
    ...(options.sinks ? { sinks: options.sinks } : {}),
    ...(options.timings ? { timings: options.timings } : {}),
    ...(config.incidentRetentionDays ? { historyRetentionDays: config.incidentRetentionDays } : {}),
  });
  const owned = options.producer
    ? undefined
    : createDiagnosisProducer({ connection: redis, prefix: config.queuePrefix });
  const producer = options.producer ?? owned!;
  return {
    service,
    producer,
    redis,
    async close() {
      await service.close().catch(() => {});
      await owned?.close();
      await closeRedis(redis);
    },
  };
}

export async function startWorker(options: WorkerRoleOptions): Promise<WorkerHandle> {
  const { config } = options;
  const metrics = options.ops ? (options.metrics ?? createMetrics()) : options.metrics;
  const sinks = buildSinks(config, options.logger, metrics, options.sinks);
  const credentials = checkChatCredentials(sinks, options.logger);
  const ownIncidents = options.incidents
    ? undefined
    : createPoolIncidents(config, options.logger, {
        sinks,
        ...(options.incidentTimings ? { timings: options.incidentTimings } : {}),
      });
  const incidents = options.incidents ?? ownIncidents!;
  const { workers, diagnoser, incidentWorkers } = startWorkerPool({
    ...options,
    sinks,
    incidents,
    ...(metrics ? { metrics } : {}),
  });
  const stopIncidents = async () => {
    await incidentWorkers?.close().catch(() => {});
    await ownIncidents?.close();
  };
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
      await stopIncidents();
      await queueCounts.close();
      throw error;
    }
  }
  await credentials;
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
      await stopIncidents();
      await queueCounts?.close();
      await diagnoser.close();
      options.logger.info('check502 worker stopped');
    },
  };
}
