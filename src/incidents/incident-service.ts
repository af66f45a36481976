// The front side of incidents: records accepted alerts in Redis (atomically, see ingest-script.ts)
// and queues the actions they call for. Also answers the chat sinks' questions about an incident
// (its context for the root message) and stores the diagnosis report the jobs worker produced.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { IncidentContext, Platform } from '../chat/sink.js';
import type { Report } from '../diagnosis/report.js';
import { replicated } from '../jobs/replicated.js';
import type { Alert } from './alert.js';
import {
  type Clock,
  DEFAULT_TIMINGS,
  type IncidentTimings,
  type Logger,
  type Sinks,
} from './incident-deps.js';
import {
  createIncidentHistory,
  diagnosisEvent,
  type HistoryEvent,
  type IncidentHistory,
} from './incident-history.js';
import { INCIDENT_QUEUE, queueEdit, queueOpen, queueRecheck } from './incident-queue.js';
import {
  createIncidentStore,
  type IncidentStore,
  type IngestAction,
  type IngestEffect,
} from './incident-store.js';
import { createIngestBatcher } from './ingest-batcher.js';
import { queueStormEdit, queueStormPost, STORM_QUEUE } from './storm-queue.js';
import { createStormStore, type StormStore } from './storm-store.js';

/** Alerts per script call when concurrent deliveries are coalesced (the store's own chunk size). */
const COALESCE_MAX_ALERTS = 500;

export interface IncidentServiceDeps {
  /** A shared ioredis connection (not closed by the service). */
  redis: Redis;
  /** BullMQ prefix, `ServerConfig.queuePrefix`; also prefixes the incident keys. */
  prefix: string;
  logger: Logger;
  clock?: Clock;
  timings?: Partial<IncidentTimings>;
  /** Used for links to a previous incident's thread on the root message. */
  sinks?: Sinks;
  /** Days an incident's history (its timeline) is kept after its last event (default 30). */
  historyRetentionDays?: number;
  /** Replicas that must hold accepted alerts before ingest resolves (REDIS_WAIT_REPLICAS; 0: none). */
  waitReplicas?: number;
}

export interface IngestSummary {
  received: number;
  counts: Partial<Record<IngestAction, number>>;
  incidents: string[];
}

export interface IncidentService {
  /** Records alerts and queues their actions; resolves once both are in Redis. */
  ingest(alerts: readonly Alert[]): Promise<IngestSummary>;
  /** The incident as root messages show it (platform: which thread to link the previous one by). */
  context(id: string, platform?: Platform): Promise<IncidentContext | undefined>;
  /** The jobs worker calls this when an incident's diagnosis finishes, so later edits keep the verdict. */
  recordReport(id: string, report: Report): Promise<void>;
  /** Queues an edit of the storm message of this incident's storm, if it is in one. */
  touchStorm(record: { storm?: string }): Promise<void>;
  readonly store: IncidentStore;
  readonly queue: Queue;
  readonly storms: StormStore;
  readonly stormQueue: Queue;
  /** Each incident's events, for `check502 timeline`. */
  readonly history: IncidentHistory;
  close(): Promise<void>;
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentService {
  const timings = { ...DEFAULT_TIMINGS, ...deps.timings };
  const clock = deps.clock ?? { now: () => new Date() };
  const store = createIncidentStore({
    redis: deps.redis,
    prefix: deps.prefix,
    editIntervalMs: timings.editIntervalMs,
  });
  const queue = new Queue(INCIDENT_QUEUE, { connection: deps.redis, prefix: deps.prefix });
  queue.on('error', (error) => deps.logger.warn({ err: error }, 'incident queue error'));
  const storms = createStormStore(deps.redis, deps.prefix, {
    minSites: timings.stormMinSites,
    windowMs: timings.stormWindowMs,
  });
  const stormQueue = new Queue(STORM_QUEUE, { connection: deps.redis, prefix: deps.prefix });
  stormQueue.on('error', (error) => deps.logger.warn({ err: error }, 'storm queue error'));
  const history = createIncidentHistory(deps.redis, deps.prefix, deps.historyRetentionDays);
  /** History is for people afterwards: failing to write it must not fail the alert or the job. */
  const remember = (id: string, ...events: HistoryEvent[]) =>
    history
      .append(id, ...events)
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, incident: id }, 'could not record incident history'),
      );
  const touchStorm = async (record: { storm?: string }) => {
    if (record.storm)
      await queueStormEdit(stormQueue, record.storm, clock.now().getTime(), timings.stormEditMs);
  };

  // Concurrent deliveries share script calls; each result keeps the time the script was told.
  const record = createIngestBatcher<Alert, { effect: IngestEffect; now: Date }>({
    maxItems: COALESCE_MAX_ALERTS,
    run: async (alerts) => {
      const now = clock.now();
      const effects = await store.ingest(alerts, now);
      // The script answers one effect per alert, in order; anything else must not be half-trusted.
      if (effects.length !== alerts.length || effects.some((effect, k) => effect.i !== k))
        throw new Error(`ingest script answered ${effects.length} effects for ${alerts.length} alerts`);
      return effects.map((effect) => ({ effect, now }));
    },
  });

  async function enqueue(effects: readonly IngestEffect[], now: Date): Promise<void> {
    const opens = new Set<string>();
    const work: Promise<void>[] = [];
    for (const effect of effects) {
      if (effect.needsOpen && !opens.has(effect.id)) {
        opens.add(effect.id);
        work.push(queueOpen(queue, effect.id));
      }
      if (effect.edit) work.push(queueEdit(queue, effect.id, now.getTime(), timings));
      if (effect.action === 'resolving' && effect.gen !== undefined)
        work.push(queueRecheck(queue, effect.id, effect.gen, 0, timings));
    }
    await Promise.all(work);
    await noteStorm(
      [...opens].filter((id) => effects.some((e) => e.id === id && e.action === 'opened')),
      now,
    );
  }

  /** Newly opened incidents may start or join an alert storm: queue its message or an edit of it. */
  async function noteStorm(opened: string[], now: Date): Promise<void> {
    const note = await storms.noteOpened(opened, now);
    if (!note) return;
    if (note.created) {
      deps.logger.info({ storm: note.storm, sites: note.added }, 'alert storm');
      await queueStormPost(stormQueue, note.storm);
    } else if (note.added > 0) await touchStorm({ storm: note.storm });
  }

  return {
    store,
    queue,
    storms,
    stormQueue,
    touchStorm,
    async ingest(alerts) {
      const recorded = await record(alerts);
      // The batcher answers in the order of `alerts`: effects[k] is about alerts[k].
      const effects = recorded.map((r) => r.effect);
      const now = recorded[0]?.now ?? clock.now();
      await enqueue(effects, now);
      // A 2xx must survive a failover: the replica that may be promoted holds the alerts and jobs.
      await replicated(deps.redis, deps.waitReplicas ?? 0);
      const counts: IngestSummary['counts'] = {};
      const incidents = new Set<string>();
      const at = now.toISOString();
      const remembered: Promise<unknown>[] = [];
      for (const [k, effect] of effects.entries()) {
        counts[effect.action] = (counts[effect.action] ?? 0) + 1;
        if (effect.id) incidents.add(effect.id);
        if (effect.action === 'opened' || effect.action === 'resolving' || effect.action === 'reopened') {
          const alert = alerts[k];
          const source = alert?.source ?? 'unknown';
          remembered.push(
            remember(
              effect.id,
              effect.action === 'opened'
                ? { type: 'opened', at, source, summary: alert?.summary ?? '' }
                : effect.action === 'reopened'
                  ? { type: 'reopened', at, source }
                  : { type: 'alerts-resolved', at, source },
            ),
          );
          deps.logger.info(
            { incident: effect.id, site: alert?.site, source: alert?.source },
            `incident ${effect.action}`,
          );
        }
      }
      await Promise.all(remembered);
      return { received: alerts.length, counts, incidents: [...incidents] };
    },
    context: (id, platform) => incidentContext(store, deps.sinks ?? {}, id, platform),
    history,
    async recordReport(id, report) {
      await store.setReport(id, report);
      await remember(id, diagnosisEvent(report, clock.now().toISOString()));
      const record = await store.get(id);
      if (record) await touchStorm(record);
    },
    async close() {
      await Promise.all([queue.close(), stormQueue.close()]);
    },
  };
}

export async function incidentContext(
  store: IncidentStore,
  sinks: Sinks,
  id: string,
  platform?: Platform,
): Promise<IncidentContext | undefined> {
  const record = await store.get(id);
  if (!record) return undefined;
  const context: IncidentContext = {
    id: record.id,
    state: record.state,
    alerts: record.alerts,
    sources: record.sources,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
  };
  if (record.summary) context.summary = record.summary;
  if (record.previous) {
    const previous: NonNullable<IncidentContext['previous']> = { id: record.previous };
    const before = platform ? (await store.get(record.previous))?.threads[platform] : undefined;
    const link = before && platform ? sinks[platform]?.threadLink?.(before) : undefined;
    if (link) previous.link = link;
    context.previous = previous;
  }
  return context;
}
