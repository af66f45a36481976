// The front side of monitors: add, list and remove them (Redis), each with its own BullMQ job
// scheduler producing one light check per interval. Upserting a scheduler is idempotent, so adding
// a monitor twice updates its interval instead of doubling its checks.
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Platform } from '../chat/sink.js';
import { DEFAULT_EVERY_MS, DEFAULT_LIMITS, type Monitor, type MonitorLimits, monitorId } from './monitor.js';
import { type AddResult, MonitorStore } from './monitor-store.js';

export const MONITOR_QUEUE = 'monitor';

export interface MonitorCheckData {
  id: string;
}

export interface AddMonitorInput {
  platform: Platform;
  channel: string;
  site: string;
  everyMs?: number;
  addedBy?: string;
}

export interface MonitorService {
  add(input: AddMonitorInput): Promise<{ result: AddResult; monitor: Monitor }>;
  list(platform: Platform, channel: string): Promise<Monitor[]>;
  remove(platform: Platform, channel: string, site: string): Promise<boolean>;
  readonly limits: MonitorLimits;
  readonly store: MonitorStore;
  close(): Promise<void>;
}

/** Scheduler ids are a hash of the monitor id: no `:` and no user text in BullMQ keys. */
export function schedulerId(id: string): string {
  return `monitor-${createHash('sha256').update(id).digest('hex').slice(0, 24)}`;
}

export function createMonitorService(deps: {
  redis: Redis;
  prefix: string;
  limits?: Partial<MonitorLimits>;
}): MonitorService {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const store = new MonitorStore(deps.redis, deps.prefix);
  const queue = new Queue<MonitorCheckData>(MONITOR_QUEUE, { connection: deps.redis, prefix: deps.prefix });
  queue.on('error', () => {});
  return {
    limits,
    store,
    async add(input) {
      const id = monitorId(input.platform, input.channel, input.site);
      const existing = await store.get(id);
      const monitor: Monitor = existing
        ? { ...existing, everyMs: input.everyMs ?? existing.everyMs }
        : {
            id,
            site: input.site,
            platform: input.platform,
            channel: input.channel,
            everyMs: input.everyMs ?? DEFAULT_EVERY_MS,
            addedAt: new Date().toISOString(),
            failures: 0,
            state: 'ok',
            ...(input.addedBy !== undefined ? { addedBy: input.addedBy } : {}),
          };
      const result = await store.add(monitor, limits);
      if (result === 'added' || result === 'updated') {
        await queue.upsertJobScheduler(
          schedulerId(id),
          { every: monitor.everyMs },
          {
            name: 'check',
            data: { id },
            opts: { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 1 },
          },
        );
      }
      return { result, monitor };
    },
    list: (platform, channel) => store.list(platform, channel),
    async remove(platform, channel, site) {
      const id = monitorId(platform, channel, site);
      const removed = await store.remove(id);
      await queue.removeJobScheduler(schedulerId(id));
      return removed;
    },
    close: () => queue.close(),
  };
}
