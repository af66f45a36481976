// `check502 worker`: diagnosis workers alone, against REDIS_URL; scale out by starting more.
// startWorkerPool is also what `serve` runs in-process; both start workers over deps built once
// (src/roles/deps.ts).
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { checkChatCredentials } from '../chat/check-chat-credentials.js';
import type { ServerConfig } from '../config.js';
import { parseSite } from '../diagnosis/target.js';
import type { AlertChannels } from '../incidents/incident-deps.js';
import { startIncidentWorkers } from '../incidents/incident-workers.js';
import { type DiagnosisWorkers, startDiagnosisWorkers } from '../jobs/diagnosis-workers.js';
import { redisTarget } from '../jobs/redis-target.js';
import { type OpsServer, startOpsServer } from '../metrics/ops-server.js';
import { startMonitorWorkers } from '../monitors/monitor-workers.js';
import { incidentWatchHistory } from '../watch/watch-history.js';
import { startWatchWorkers } from '../watch/watch-workers.js';
import { buildDeps, type DepOverrides, type Deps } from './deps.js';
import { startWorkerFixes } from './fix-wiring.js';

export interface WorkerRoleOptions extends DepOverrides {
  config: ServerConfig;
  logger: Logger;
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

export interface WorkerPool {
  workers: DiagnosisWorkers;
  /** Diagnosis workers first (within `timeoutMs`), then fixes, incidents and monitors. */
  close(timeoutMs: number): Promise<void>;
}

/** Diagnosis, fix, incident and monitor workers over `deps` (deps stay open: their owner closes them). */
export function startWorkerPool(deps: Deps): WorkerPool {
  const { config, logger, sinks, diagnoser } = deps;
  // Guarded fixes: offers under each summary and the fix worker (re-checks go through the producer).
  const fixes = config.cloudflareFixToken
    ? startWorkerFixes(config, sinks, deps.producer, logger)
    : undefined;
  const workers = startDiagnosisWorkers({
    redisUrl: redisTarget(config),
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    diagnoser,
    sinks,
    logger: logger.child({ role: 'worker' }),
    incidents: deps.incidents,
    metrics: deps.metrics,
    ...deps.stall,
    ...(fixes ? { fixOffers: fixes.offer } : {}),
  });
  const channels: AlertChannels = {};
  if (config.alertSlackChannel !== undefined) channels.slack = config.alertSlackChannel;
  if (config.alertDiscordChannel !== undefined) channels.discord = config.alertDiscordChannel;
  const incidentWorkers = startIncidentWorkers({
    redis: deps.redis,
    prefix: config.queuePrefix,
    service: deps.incidents,
    producer: deps.producer,
    sinks,
    channels,
    // The bot's own check before an incident closes: a diagnosis that posts nothing.
    recheck: async (site) => {
      const parsed = parseSite(site);
      if (!parsed.ok) throw new Error(`cannot re-check ${site}: ${parsed.reason}`);
      return diagnoser.run(parsed.target, { timeoutMs: 10_000 });
    },
    logger,
    ...(deps.overrides.incidentTimings ? { timings: deps.overrides.incidentTimings } : {}),
    ...deps.stall,
  });
  const monitorWorkers = startMonitorWorkers({
    redisUrl: redisTarget(config),
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
    ingest: (alerts) => deps.incidents.ingest(alerts),
    logger,
  });
  const watchWorkers = startWatchWorkers({
    redisUrl: redisTarget(config),
    prefix: config.queuePrefix,
    diagnose: async (input, site) => {
      const typed = parseSite(input);
      const parsed = typed.ok && typed.target.host === site ? typed : parseSite(site);
      if (!parsed.ok) throw new Error(`cannot watch ${site}: ${parsed.reason}`);
      return diagnoser.run(parsed.target, { timeoutMs: 10_000 });
    },
    sinks,
    history: incidentWatchHistory(deps.incidents),
    logger,
    ...(deps.overrides.watchTimings ? { timings: deps.overrides.watchTimings } : {}),
    ...deps.stall,
  });
  return {
    workers,
    async close(timeoutMs) {
      await workers.close(timeoutMs);
      await fixes?.close().catch(() => {});
      // Watch and monitor workers stop before the incident workers they feed.
      await watchWorkers.close().catch(() => {});
      await monitorWorkers.close().catch(() => {});
      await incidentWorkers.close().catch(() => {});
    },
  };
}

/** The /readyz probe of the Cloudflare token: degraded (still ready) with the reason. */
export function cloudflareTokenProbes(deps: Pick<Deps, 'cloudflareToken'>) {
  const health = deps.cloudflareToken;
  return health ? [{ name: 'cloudflare', check: async () => health.status() }] : [];
}

/** Builds the deps from `options` and runs workers over them; `close()` also closes the deps. */
export async function startWorker(options: WorkerRoleOptions): Promise<WorkerHandle> {
  const { config, ops, ...overrides } = options;
  const deps = buildDeps(config, overrides);
  try {
    return await work(deps, ops ? { ops } : {});
  } catch (error) {
    await deps.close();
    throw error;
  }
}

export async function work(
  deps: Deps,
  options: { ops?: { port: number; host?: string } },
): Promise<WorkerHandle> {
  const { config, logger } = deps;
  const credentials = checkChatCredentials(deps.sinks, logger);
  const pool = startWorkerPool(deps);
  let ops: OpsServer | undefined;
  if (options.ops) {
    void deps.queueCounts; // counted on each /metrics scrape
    try {
      ops = await startOpsServer({
        metrics: deps.metrics,
        probes: [
          { name: 'workers', check: async () => pool.workers.isRunning() },
          ...cloudflareTokenProbes(deps),
        ],
        logger: logger.child({ component: 'ops-http' }),
        port: options.ops.port,
        ...(options.ops.host === undefined ? {} : { host: options.ops.host }),
      });
    } catch (error) {
      // Port taken or not allowed: stop what started instead of running half-configured.
      await pool.close(0);
      throw error;
    }
  }
  await credentials;
  logger.info(
    { concurrency: config.workerConcurrency, ...(ops ? { opsPort: ops.address.port } : {}) },
    'check502 worker started',
  );
  return {
    workers: pool.workers,
    ...(ops ? { ops: ops.address } : {}),
    async close(deadlineMs = config.shutdownTimeoutMs) {
      await ops?.close();
      await pool.close(Math.max(0, deadlineMs - 1000));
      await deps.close();
      logger.info('check502 worker stopped');
    },
  };
}
