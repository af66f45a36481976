// Runs watches: each run is a delayed BullMQ job that diagnoses the site (posting nothing per
// check), folds the report into the watch (watch-state.ts), saves it by compare-and-set, then posts
// what changed and edits the root. Posts go through a post ledger per watch, and the folded run is
// saved before anything is posted, so a worker killed at any point is picked up by another (a stalled
// job, or the next delayed run already in Redis) that posts what is missing, once.
import { type Queue as BullQueue, type Job, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { ChatSink, Platform, RunContext, ThreadRef } from '../chat/sink.js';
import type { Report } from '../diagnosis/report.js';
import { ActiveRuns } from '../jobs/active-runs.js';
import { PostLedger } from '../jobs/post-ledger.js';
import { closeRedis, createWorkerRedis } from '../jobs/redis-clients.js';
import type { RedisTarget } from '../jobs/redis-target.js';
import type { WatchHistory, WatchHistoryEntry } from './watch-history.js';
import { changeNote, outcomeNote, startNote } from './watch-messages.js';
import { queueFinish, queueRun, WATCH_QUEUE, type WatchJob } from './watch-queue.js';
import {
  DEFAULT_WATCH_TIMINGS,
  nextRunDelay,
  observe,
  statusText,
  stopWatch,
  type WatchTimings,
} from './watch-state.js';
import { type WatchRecord, WatchStore } from './watch-store.js';

/** One diagnosis of what the user typed, posting nothing. */
export type WatchDiagnosis = (input: string, site: string) => Promise<Report>;

export interface WatchWorkerOptions {
  /** A URL, or the cluster/sentinel target every worker client is opened through. */
  redisUrl: string | RedisTarget;
  prefix: string;
  diagnose: WatchDiagnosis;
  sinks: Partial<Record<Platform, ChatSink>>;
  logger: Logger;
  history?: WatchHistory;
  timings?: Partial<WatchTimings>;
  concurrency?: number;
  now?: () => number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** Longest a first run waits for a plain diagnosis of the site already running (it has a 10 s probe budget). */
const JOIN_WAIT_MS = 2 * 60_000;
const JOIN_POLL_MS = 250;
/** Longest it then waits for that run's last root edit (a run that failed makes none). */
const JOIN_SETTLE_MS = 5000;

export interface WatchWorkers {
  close(): Promise<void>;
}

export function startWatchWorkers(options: WatchWorkerOptions): WatchWorkers {
  const connection = createWorkerRedis(options.redisUrl);
  const state = createWorkerRedis(options.redisUrl);
  for (const client of [connection, state]) client.on('error', () => {});
  const store = new WatchStore(state, options.prefix);
  const queue: BullQueue = new Queue(WATCH_QUEUE, { connection: state, prefix: options.prefix });
  queue.on('error', () => {});
  const now = options.now ?? Date.now;
  const timings = { ...DEFAULT_WATCH_TIMINGS, ...options.timings };
  const log = options.logger.child({ component: 'watch' });
  const ledgerOf = (id: string) => new PostLedger(state, options.prefix, `watch-${id}`);

  const sinkOf = (record: WatchRecord): ChatSink => {
    const sink = options.sinks[record.reply.platform];
    if (!sink) throw new Error(`no ${record.reply.platform} sink is configured on this worker`);
    return sink;
  };

  const context = (record: WatchRecord): RunContext => ({
    site: record.site,
    ...(record.requestedBy !== undefined ? { requestedBy: record.requestedBy } : {}),
    ...(record.state.runs > 1 ? { run: record.state.runs } : {}),
    watch: {
      id: record.id,
      status: record.state.runs === 0 && !record.state.outcome ? 'starting' : statusText(record.state, now()),
      ended: record.state.outcome !== undefined,
    },
  });

  /** History is for people afterwards: failing to write it never fails the watch. */
  const remember = (
    record: WatchRecord,
    ledger: PostLedger,
    step: string,
    entry: Omit<WatchHistoryEntry, 'at'>,
  ) =>
    options.history
      ? ledger
          .once(step, () =>
            options.history!.record(record.site, { at: new Date(now()).toISOString(), ...entry }),
          )
          .catch((error: unknown) =>
            log.warn({ err: error, watch: record.id }, 'could not record watch history'),
          )
      : Promise.resolve();

  /**
   * The plain diagnosis running when the watch started (`jobId`) is its first look: wait until it
   * ends and go on in its thread, rather than diagnose twice at once in two threads. Bounded, so a
   * run that crashed without freeing the site delays the watch, never stalls it.
   */
  async function joinRunningDiagnosis(record: WatchRecord, jobId: string, ledger: PostLedger): Promise<void> {
    const active = new ActiveRuns(state, options.prefix);
    const theirs = new PostLedger(state, options.prefix, jobId);
    const until = Date.now() + JOIN_WAIT_MS;
    const pause = () => new Promise((r) => setTimeout(r, JOIN_POLL_MS));
    while ((await active.get(record.reply.platform, record.site))?.jobId === jobId && Date.now() < until)
      await pause();
    // The run frees the site just before its last root edit: let that edit land before ours.
    const settled = Math.min(until, Date.now() + JOIN_SETTLE_MS);
    while (!(await theirs.posted('root')) && Date.now() < settled) await pause();
    const thread = await theirs.root();
    if (!thread) return; // it never posted one: the watch starts its own thread
    await ledger.saveRoot(thread);
    await store.update(record.id, (r) => (r.thread ? undefined : { ...r, thread })); // joiners link to it
  }

  /** The root message, posted once (an earlier attempt's root is reused). */
  async function ensureRoot(record: WatchRecord, ledger: PostLedger): Promise<ThreadRef> {
    const known = await ledger.root();
    if (known) return known;
    // The key names the root on the platform, so an attempt after one that died mid-post finds it.
    const start: RunContext = {
      ...context(record),
      rootKey: record.id,
      onRoot: (root) => ledger.savePendingRoot(root),
    };
    const pending = await ledger.pendingRoot();
    if (pending) start.root = pending;
    else if (!(await ledger.once('root-attempt', async () => {})))
      start.lookBackSince = record.state.startedAt;
    const thread = await sinkOf(record).startThread(record.reply, start);
    await ledger.saveRoot(thread);
    // The front links joiners to it.
    await store.update(record.id, (r) => (r.thread ? undefined : { ...r, thread }));
    return thread;
  }

  async function run(id: string, n: number): Promise<string> {
    const record = await store.get(id);
    if (!record) return 'gone';
    if (record.state.outcome) return 'ended';
    const ledger = ledgerOf(id);
    if (record.state.runs > n) return afterRun(record, n, ledger); // folded by an earlier attempt
    if (record.state.runs < n) return 'stale';
    if (n === 0 && record.joins !== undefined && !(await ledger.root()))
      await joinRunningDiagnosis(record, record.joins, ledger);
    const thread = await ensureRoot(record, ledger);
    if (n === 0)
      await remember(record, ledger, 'hist:start', {
        phase: 'started',
        note: startNote(record.state),
        ...(record.requestedBy !== undefined ? { by: `${record.reply.platform}:${record.requestedBy}` } : {}),
      });
    const report = await options.diagnose(record.input, record.site);
    const saved = await store.update(id, (r) => {
      if (r.state.outcome || r.state.runs !== n) return undefined;
      const folded = observe(r.state, report, now());
      return {
        ...r,
        thread: r.thread ?? thread,
        state: folded.state,
        report,
        lastRun: { run: n, events: folded.events },
      };
    });
    if (!saved?.saved) return 'superseded'; // stopped meanwhile: the finish job tells the outcome
    return afterRun(saved.after, n, ledger);
  }

  /** Posts run n's changes (the first run's summary in full), edits the root, queues what comes next. */
  async function afterRun(record: WatchRecord, n: number, ledger: PostLedger): Promise<string> {
    const sink = sinkOf(record);
    const thread = record.thread ?? (await ledger.root());
    const report = record.report;
    if (!thread || !report) throw new Error(`watch ${record.id} run ${n} has no thread or report`);
    const events = record.lastRun?.run === n ? record.lastRun.events : [];
    const ctx = context(record);
    if (n === 0) {
      await ledger.once('r0:summary', () => sink.postSummary(thread, report, ctx));
      const cause = report.primaryCause ? ` — ${report.primaryCause}` : '';
      await remember(record, ledger, 'hist:r0', {
        phase: 'changed',
        verdict: report.verdict,
        primaryCause: report.primaryCause,
        note: `first run: ${report.verdict}${cause}`,
      });
    }
    for (const [i, event] of events.entries()) {
      const note = changeNote(event, record.state, now());
      if (note === undefined) continue;
      await ledger.once(`r${n}:e${i}`, () => sink.postNote(thread, note));
      // A new cause gets its summary too: what to do about it.
      await ledger.once(`r${n}:s${i}`, () => sink.postSummary(thread, report, ctx));
      await remember(record, ledger, `hist:r${n}:e${i}`, {
        phase: 'changed',
        verdict: report.verdict,
        primaryCause: report.primaryCause,
        note,
      });
    }
    if (record.state.outcome) {
      await queueFinish(queue, record.id);
      return record.state.outcome;
    }
    // A Stop may have landed while this run posted: then the finish job owns the root.
    const latest = await store.get(record.id);
    if (latest?.state.outcome) return 'ended';
    await sink.updateRoot(thread, report, ctx);
    const delay = nextRunDelay(record.state, now(), timings) ?? 0;
    await queueRun(queue, record.id, n + 1, delay);
    return 'running';
  }

  /** The outcome: one note in the thread, the root's last edit (no Stop button), the site freed. */
  async function finish(id: string): Promise<string> {
    const record = await store.get(id);
    if (!record?.state.outcome) return 'not-ended';
    // Freed first: whoever reads the outcome may ask for a new watch at once.
    await store.release(record);
    const ledger = ledgerOf(id);
    const thread = record.thread ?? (await ledger.root());
    const text = statusText(record.state, now());
    if (thread) {
      const sink = sinkOf(record);
      await ledger.once('end', () => sink.postNote(thread, outcomeNote(record.state, text)));
      await sink.updateRoot(thread, record.report, context(record));
    }
    await remember(record, ledger, 'hist:end', {
      phase: 'ended',
      note: text,
      outcome: record.state.outcome,
      ...(record.report ? { verdict: record.report.verdict, primaryCause: record.report.primaryCause } : {}),
      ...(record.stoppedBy !== undefined ? { by: record.stoppedBy } : {}),
    });
    await store.update(id, (r) => (r.finished ? undefined : { ...r, finished: true }));
    log.info(
      { watch: id, site: record.site, outcome: record.state.outcome, runs: record.state.runs },
      'watch ended',
    );
    return 'finished';
  }

  async function giveUp(id: string): Promise<void> {
    const ended = await store.update(id, (r) =>
      r.state.outcome
        ? undefined
        : {
            ...r,
            state: stopWatch(r.state, 'stopped', now()).state,
            stoppedBy: 'check502 (a run kept failing)',
          },
    );
    if (ended?.saved) await queueFinish(queue, id);
  }

  const worker = new Worker<WatchJob>(
    WATCH_QUEUE,
    async (job: Job<WatchJob>) =>
      job.data.kind === 'run' ? run(job.data.id, job.data.run) : finish(job.data.id),
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 10,
      ...(options.lockDurationMs !== undefined ? { lockDuration: options.lockDurationMs } : {}),
      ...(options.stalledIntervalMs !== undefined ? { stalledInterval: options.stalledIntervalMs } : {}),
    },
  );
  worker.on('error', (error) => log.debug({ err: error }, 'watch worker error'));
  worker.on('failed', (job, error) => {
    log.warn({ err: error, watch: job?.data.id, kind: job?.data.kind }, 'watch job failed');
    // A run that used up its attempts would leave the watch silent until it expires: end it and say so.
    if (job && job.data.kind === 'run' && job.attemptsMade >= (job.opts.attempts ?? 1))
      giveUp(job.data.id).catch((e: unknown) =>
        log.warn({ err: e, watch: job.data.id }, 'could not end a failed watch'),
      );
  });
  worker.on('stalled', (jobId) => log.warn({ jobId }, 'watch job stalled; it will be retried'));
  return {
    async close() {
      await worker.close().catch(() => {});
      await queue.close().catch(() => {});
      await closeRedis(state);
      await closeRedis(connection);
    },
  };
}
