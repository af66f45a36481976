// Runs the monitors' light checks (one job per monitor per interval, from its job scheduler). A
// confirmed change to failing raises a `firing` alert into the incident machinery — the same one
// alert webhooks use: one incident and thread per site, its full diagnosis, storms collapsed —
// routed to the channel the monitor was added from, and
// a passing check after that raises `resolved`, which the machinery closes only after its own
// re-check agrees. The decision is saved (versioned) with the alert pending, then delivered and
// cleared: a crash in between re-sends it, and the incident store counts a repeat once.
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Alert } from '../incidents/alert.js';
import { closeRedis, createWorkerRedis } from '../jobs/redis-clients.js';
import type { RedisTarget } from '../jobs/redis-target.js';
import { DEFAULT_CONFIRM_CHECKS, foldCheck, type Monitor } from './monitor.js';
import { MONITOR_QUEUE, type MonitorCheckData, schedulerId } from './monitor-service.js';
import { MonitorStore } from './monitor-store.js';

/** A light check of a site: true when visitors get no error. */
export type LightCheck = (site: string) => Promise<{ healthy: boolean; summary: string }>;

export interface MonitorWorkerOptions {
  redisUrl: string | RedisTarget;
  prefix: string;
  concurrency?: number;
  check: LightCheck;
  /** Where alerts go: the incident service's ingest. */
  ingest(alerts: readonly Alert[]): Promise<unknown>;
  logger: Logger;
  confirmChecks?: number;
  now?: () => number;
}

export interface MonitorWorkers {
  close(): Promise<void>;
}

export function startMonitorWorkers(options: MonitorWorkerOptions): MonitorWorkers {
  const connection = createWorkerRedis(options.redisUrl);
  const state = createWorkerRedis(options.redisUrl);
  for (const client of [connection, state]) client.on('error', () => {});
  const store = new MonitorStore(state, options.prefix);
  const queue = new Queue(MONITOR_QUEUE, { connection: state, prefix: options.prefix });
  queue.on('error', () => {});
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'monitors' });
  const worker = new Worker<MonitorCheckData>(
    MONITOR_QUEUE,
    async (job) => {
      const monitor = await store.get(job.data.id);
      if (!monitor) {
        // Removed while a check was already produced: stop its scheduler in case the removal raced it.
        await queue.removeJobScheduler(schedulerId(job.data.id)).catch(() => {});
        return 'removed';
      }
      let current = monitor;
      if (current.pendingAlert) current = (await deliver(current)) ?? current;
      const seen = await options.check(current.site);
      const folded = foldCheck(current, seen.healthy, now(), options.confirmChecks ?? DEFAULT_CONFIRM_CHECKS);
      const decided: Monitor = folded.alert
        ? { ...folded.monitor, pendingAlert: { status: folded.alert, summary: seen.summary } }
        : folded.monitor;
      // Saved first (with the alert pending), so of two overlapping checks only one raises it.
      const saved = await store.save(decided);
      if (!saved) return 'superseded';
      if (saved.pendingAlert) await deliver(saved);
      return saved.state;
    },
    { connection, prefix: options.prefix, concurrency: options.concurrency ?? 20 },
  );
  /** Sends a monitor's pending alert into the incident machinery, then clears it. */
  async function deliver(monitor: Monitor): Promise<Monitor | undefined> {
    const pending = monitor.pendingAlert;
    if (!pending) return monitor;
    await options.ingest([alertOf(monitor, pending.status, pending.summary)]);
    log.info({ site: monitor.site, alert: pending.status }, 'monitor raised an alert');
    const { pendingAlert: _sent, ...rest } = monitor;
    return store.save(rest);
  }
  worker.on('error', (error) => log.debug({ err: error }, 'monitor worker error'));
  return {
    async close() {
      await worker.close().catch(() => {});
      await queue.close().catch(() => {});
      await closeRedis(state);
      await closeRedis(connection);
    },
  };
}

function alertOf(monitor: Monitor, status: 'firing' | 'resolved', summary: string): Alert {
  return {
    site: monitor.site,
    status,
    fingerprint: `monitor|${monitor.id}`,
    start: String(monitor.failingSince ?? 0),
    source: 'monitor',
    // The incident opens in the channel the monitor was added from, not ALERT_*_CHANNEL.
    route: { platform: monitor.platform, channel: monitor.channel },
    summary:
      status === 'firing'
        ? `check502 monitor: ${monitor.failures} failing checks in a row — ${summary}`.slice(0, 300)
        : `check502 monitor: passing again — ${summary}`.slice(0, 300),
  };
}
