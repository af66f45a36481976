// Workers for incident actions: post the root message (once per platform), start the diagnosis in
// that thread, edit the root as alerts are counted, and close the incident only after the bot's own
// re-check agrees. Every chat post is claimed in Redis first, so a retried job never posts twice
// (roots: root-poster.ts, which also finds a root whose record was lost).
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Platform, ReplyTarget, RunContext, ThreadRef } from '../chat/sink.js';
import type { Report } from '../diagnosis/report.js';
import { duplicateForBlocking } from '../jobs/redis-target.js';
import {
  type AlertChannels,
  type Clock,
  DEFAULT_TIMINGS,
  type DiagnosisRequester,
  type IncidentTimings,
  type Logger,
  type Recheck,
  type Sinks,
} from './incident-deps.js';
import { joinedNote, moreAlertsNote, resolvedNote, stillFailingNote } from './incident-notes.js';
import { ensureOpen, INCIDENT_QUEUE, type IncidentJob, queueEdit, queueRecheck } from './incident-queue.js';
import { type IncidentService, incidentContext } from './incident-service.js';
import type { IncidentRecord } from './incident-store.js';
import { noteOnce } from './note-once.js';
import { retryWhenBusy } from './post-claims.js';
import { createRootPoster } from './root-poster.js';
import { startStormWorker } from './storm-worker.js';

export interface IncidentWorkerDeps {
  /** Workers need their own blocking connections; this one is duplicated, not used directly. */
  redis: Redis;
  prefix: string;
  service: IncidentService;
  producer: DiagnosisRequester;
  sinks: Sinks;
  channels: AlertChannels;
  recheck: Recheck;
  logger: Logger;
  clock?: Clock;
  timings?: Partial<IncidentTimings>;
  concurrency?: number;
  /** How often open incidents are swept for lost actions (default 30 s; 0 disables). */
  reconcileIntervalMs?: number;
  /** Stall detection of incident jobs, for tests (BullMQ defaults otherwise). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How long another process's root claim is waited out (tests; ROOT_LEASE_MS otherwise). */
  rootLeaseMs?: number;
}

export interface IncidentWorkers {
  /** Re-queues actions a crashed front or worker may have lost. */
  reconcile(): Promise<void>;
  close(): Promise<void>;
}

export function startIncidentWorkers(deps: IncidentWorkerDeps): IncidentWorkers {
  const timings = { ...DEFAULT_TIMINGS, ...deps.timings };
  const clock = deps.clock ?? { now: () => new Date() };
  const { store, queue } = deps.service;
  const log = deps.logger.child({ component: 'incidents' });
  const alertPlatforms = (Object.keys(deps.channels) as Platform[]).filter(
    (p) => deps.channels[p] && deps.sinks[p],
  );
  /** An incident a monitor opened is posted where the monitor was added; others in the alert channels. */
  const platformsOf = (record: IncidentRecord): Platform[] => {
    const routed = (Object.keys(record.routes) as Platform[]).filter(
      (p) => record.routes[p] && deps.sinks[p],
    );
    return routed.length > 0 ? routed : alertPlatforms;
  };

  const runContext = async (record: IncidentRecord, platform: Platform): Promise<RunContext> => {
    const context: RunContext = { site: record.site, requestedBy: `alert (${record.sources.join(', ')})` };
    const incident = await incidentContext(store, deps.sinks, record.id, platform);
    if (incident) context.incident = incident;
    return context;
  };

  const notes = noteOnce(store);
  const once = notes.once;

  const roots = createRootPoster({
    store,
    sinks: deps.sinks,
    channels: deps.channels,
    log,
    runContext,
    ...(deps.rootLeaseMs !== undefined ? { leaseMs: deps.rootLeaseMs } : {}),
  });
  async function postRoot(record: IncidentRecord, platform: Platform): Promise<void> {
    await roots.post(record, platform);
    await deps.service.touchStorm(record); // the storm message links the new thread
  }

  async function open(id: string): Promise<void> {
    const record = await store.get(id);
    if (!record) return;
    for (const platform of platformsOf(record)) {
      if (!record.threads[platform]) await postRoot(record, platform);
    }
    for (const platform of platformsOf(record)) {
      const thread = record.threads[platform];
      if (!thread) continue;
      // The job id is the incident's, so asking again after a failure (Redis gone between the
      // add and its answer) finds the job already there instead of queueing a second one.
      const reply = { platform, channel: thread.channel } as ReplyTarget;
      const result = await deps.producer.request(
        {
          site: record.site,
          input: record.site,
          requestedBy: `alert (${record.sources.join(', ')})`,
          reply,
          thread,
          incident: record.firstSeen ? { id, firstSeen: record.firstSeen } : { id },
        },
        { jobId: `incident-${platform}-${id}`.replaceAll(':', '_') },
      );
      if (result.outcome === 'joined' && result.thread && result.thread.root !== thread.root) {
        const link = deps.sinks[platform]?.threadLink?.(result.thread);
        await once(id, `joined:${platform}`, () =>
          deps.sinks[platform]!.postNote(thread, joinedNote(record.site, link)),
        );
      }
    }
    await store.setFields(id, { opened: '1' });
    // Alerts counted while the root was being posted were skipped by edits (not opened yet): show them.
    const latest = await store.get(id);
    if (latest && latest.alerts !== record.alerts) {
      await editRoots(latest, latest.report);
      await store.setFields(id, { renderedAlerts: latest.alerts });
    } else await store.setFields(id, { renderedAlerts: record.alerts });
  }

  async function editRoots(record: IncidentRecord, report: Report | undefined): Promise<void> {
    for (const platform of platformsOf(record)) {
      const thread = record.threads[platform];
      if (thread) await deps.sinks[platform]!.updateRoot(thread, report, await runContext(record, platform));
    }
  }

  async function note(record: IncidentRecord, step: string, text: string): Promise<void> {
    for (const platform of platformsOf(record)) {
      const thread: ThreadRef | undefined = record.threads[platform];
      if (thread)
        await once(record.id, `${step}:${platform}`, () => deps.sinks[platform]!.postNote(thread, text));
    }
  }

  async function edit(id: string): Promise<void> {
    const record = await store.get(id);
    if (!record?.opened) return; // the open action renders the latest state itself
    await editRoots(record, record.report);
    const now = clock.now();
    const due = Date.parse(record.noteAt) + timings.noteIntervalMs <= now.getTime();
    if (record.state !== 'resolved' && record.alerts > record.noteAlerts && due) {
      await store.setFields(id, { noteAt: now.toISOString(), noteAlerts: record.alerts });
      await note(record, `more:${record.alerts}`, moreAlertsNote(record, record.noteAt));
    }
    await store.setFields(id, { renderedAlerts: record.alerts });
  }

  async function recheck(id: string, gen: number, attempt: number): Promise<void> {
    const record = await store.get(id);
    if (record?.state !== 'resolving' || record.gen !== gen) return;
    const report = await deps.recheck(record.site);
    const healthy = report.verdict === 'healthy' || report.verdict === 'degraded';
    const outcome = await store.settleRecheck(id, gen, healthy, clock.now(), timings.maxRechecks);
    log.info({ incident: id, verdict: report.verdict, outcome }, 'incident re-check');
    if (outcome !== 'skip')
      await deps.service.history
        .append(
          id,
          {
            type: 'recheck',
            at: clock.now().toISOString(),
            verdict: report.verdict,
            primaryCause: report.primaryCause,
            outcome,
          },
          ...(outcome === 'resolved' ? [{ type: 'resolved' as const, at: clock.now().toISOString() }] : []),
        )
        .catch((error: unknown) =>
          log.warn({ err: error, incident: id }, 'could not record incident history'),
        );
    if (outcome === 'skip') return;
    await store.setReport(id, report);
    const after = (await store.get(id)) ?? record;
    if (outcome === 'resolved') {
      await note(after, `resolved:${gen}`, resolvedNote(after, report));
      await deps.service.touchStorm(after);
    } else if (outcome === 'retry') {
      const next = Math.round((timings.recheckDelayMs * 2 ** (attempt + 1)) / 1000);
      await note(after, `failing:${gen}:${attempt}`, stillFailingNote(after, report, next));
      await queueRecheck(queue, id, gen, attempt + 1, timings);
    } else {
      await note(after, `failing:${gen}:${attempt}`, stillFailingNote(after, report));
    }
    await editRoots(after, report);
  }

  // Blocking commands wait out a Redis outage (the shared client may be a fail-fast front one).
  const connection = duplicateForBlocking(deps.redis);
  const worker = new Worker<IncidentJob>(
    INCIDENT_QUEUE,
    async (job: Job<IncidentJob>, token?: string) => {
      const data = job.data;
      // A root another attempt is still posting: this job runs again later (post-claims.ts).
      if (data.kind === 'open')
        return open(data.id).catch((error: unknown) => retryWhenBusy(error, job, token));
      if (data.kind === 'edit') return edit(data.id);
      if (data.kind === 'recheck') return recheck(data.id, data.gen, data.attempt);
    },
    {
      connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency ?? 8,
      ...(deps.lockDurationMs !== undefined ? { lockDuration: deps.lockDurationMs } : {}),
      ...(deps.stalledIntervalMs !== undefined ? { stalledInterval: deps.stalledIntervalMs } : {}),
    },
  );
  worker.on('error', (error) => log.warn({ err: error }, 'incident worker error'));
  worker.on('failed', (job, error) =>
    log.warn({ err: error, incident: job?.data.id, kind: job?.data.kind }, 'incident action failed'),
  );

  async function reconcile(): Promise<void> {
    const now = clock.now().getTime();
    for (const id of await store.openIds()) {
      const record = await store.get(id);
      if (!record) continue;
      if (!record.opened) await ensureOpen(queue, id);
      if (record.state === 'resolving') await queueRecheck(queue, id, record.gen, record.rechecks, timings);
      if (record.opened && record.alerts !== record.rendered)
        await queueEdit(queue, id, Math.floor(now / 60_000), timings);
    }
  }
  const interval = deps.reconcileIntervalMs ?? timings.reconcileIntervalMs;
  const timer =
    interval > 0
      ? setInterval(() => {
          reconcile().catch((error: unknown) => log.warn({ err: error }, 'incident reconcile failed'));
        }, interval)
      : undefined;
  timer?.unref();

  const storms = startStormWorker({
    redis: deps.redis,
    prefix: deps.prefix,
    store,
    storms: deps.service.storms,
    queue: deps.service.stormQueue,
    sinks: deps.sinks,
    channels: deps.channels,
    recheck: deps.recheck,
    logger: deps.logger,
    clock,
    editWindowMs: timings.stormEditMs,
    ...(deps.rootLeaseMs !== undefined ? { leaseMs: deps.rootLeaseMs } : {}),
    ...(deps.lockDurationMs !== undefined ? { lockDurationMs: deps.lockDurationMs } : {}),
    ...(deps.stalledIntervalMs !== undefined ? { stalledIntervalMs: deps.stalledIntervalMs } : {}),
  });

  return {
    reconcile,
    async close() {
      notes.stop();
      if (timer) clearInterval(timer);
      roots.stop();
      await storms.close();
      await worker.close();
      connection.disconnect();
    },
  };
}
