// One diagnosis job: run the checks, stream each check's findings into the chat thread as it ends,
// then the summary and the edited root. Every post goes through the ledger so a retry skips what
// an earlier attempt already posted.
import { type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isPermanent } from '../chat/delivery-error.js';
import type { ChatSink, IncidentContext, Platform, RunContext, ThreadRef } from '../chat/sink.js';
import type { Diagnoser } from '../diagnoser.js';
import type { DiagnoseOptions } from '../diagnosis/check.js';
import type { Report } from '../diagnosis/report.js';
import { parseSite } from '../diagnosis/target.js';
import { type Claimant, ClaimBusyError } from '../incidents/post-claims.js';
import type { ActiveRuns } from './active-runs.js';
import { type DiagnosisJobData, type DiagnosisJobResult, parseJobData } from './diagnosis-job.js';
import { jobClaimant, postJobRoot } from './post-job-root.js';
import { PostLedger } from './post-ledger.js';

/** What jobs of alert incidents need from the incident service (src/incidents). */
export interface IncidentHooks {
  context(id: string, platform: Platform): Promise<IncidentContext | undefined>;
  recordReport(id: string, report: Report): Promise<void>;
}

export interface JobDeps {
  redis: Redis;
  prefix: string;
  diagnoser: Diagnoser;
  sinks: Partial<Record<Platform, ChatSink>>;
  runs: ActiveRuns;
  logger: Logger;
  /** Per-probe budget when the job names none. */
  defaultTimeoutMs: number;
  incidents?: IncidentHooks;
  /** Guarded fixes (only with CLOUDFLARE_FIX_TOKEN): the offers to show as buttons under the summary. */
  fixOffers?: (report: Report, thread: ThreadRef) => Promise<{ id: string; title: string }[]>;
  /** This process's attempts at once-only roots (post-claims.ts); one per process when absent. */
  claimant?: Claimant;
}

/** The attempt lost its job lock (another worker runs the job now): it posts nothing more. */
export class LockLostError extends Error {
  constructor() {
    super('the job lock was lost: another worker runs the job now');
    this.name = 'LockLostError';
  }
}

/** `signal` aborts when the worker could not renew the job's lock (diagnosis-workers.ts). */
export async function runDiagnosisJob(
  job: Job,
  deps: JobDeps,
  signal?: AbortSignal,
): Promise<DiagnosisJobResult> {
  const data = parseJobData(job.data);
  const jobId = job.id ?? 'unknown';
  const platform = data.reply.platform;
  const log = deps.logger.child({ jobId, site: data.site, platform, attempt: job.attemptsMade + 1 });
  try {
    const result = await diagnoseAndPost(jobId, data, deps, log, () => {
      if (signal?.aborted) throw new LockLostError();
    });
    await deps.runs.release(platform, data.site, jobId).catch(() => {});
    return result;
  } catch (error) {
    // Another attempt is posting the root, or runs the job now: not a failure of the job.
    if (error instanceof ClaimBusyError || error instanceof LockLostError) throw error;
    const final =
      error instanceof UnrecoverableError ||
      isPermanent(error) ||
      job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    log.warn({ err: error, final }, 'diagnosis job failed');
    if (final) await giveUp(jobId, data, deps, error);
    // Nowhere to answer (the root was refused): no retry can change that.
    throw isPermanent(error) ? new UnrecoverableError(error.message) : error;
  }
}

async function diagnoseAndPost(
  jobId: string,
  data: DiagnosisJobData,
  deps: JobDeps,
  log: Logger,
  /** Throws once this attempt lost its lock, so the attempt now running posts each message alone. */
  stillOurs: () => void,
): Promise<DiagnosisJobResult> {
  // The user's input keeps a URL's path and port; the site (host) is what runs are joined on.
  const fromInput = parseSite(data.input);
  const parsed = fromInput.ok && fromInput.target.host === data.site ? fromInput : parseSite(data.site);
  if (!parsed.ok) throw new UnrecoverableError(`invalid site: ${parsed.reason}`);
  const sink = deps.sinks[data.reply.platform];
  if (!sink) throw new UnrecoverableError(`no ${data.reply.platform} sink is configured on this worker`);
  const ledger = new PostLedger(deps.redis, deps.prefix, jobId);
  let context = await runContext(data, deps, log, jobId);

  let thread = data.thread ?? (await ledger.root());
  if (thread === undefined) {
    const claimant = deps.claimant ?? jobClaimant(deps.logger);
    // A Slack thread is its root message: the active run learns it as soon as Slack has it, so a
    // request for the same site arriving while the root is being recorded already gets the link.
    // (A Discord root becomes a thread only afterwards; it is attached below.)
    const onPosted =
      data.reply.platform === 'slack'
        ? (root: ThreadRef) => deps.runs.attachThread('slack', data.site, jobId, root).catch(() => {})
        : undefined;
    thread = await postJobRoot({ jobId, reply: data.reply, sink, ledger, context, claimant, onPosted });
  } else if (data.thread && !data.incident) {
    // An incident's run starts in the root the incident posted: nothing is being re-run there.
    const rerun = thread;
    await ledger.once('rerun-note', () =>
      sink.postNote(rerun, `Re-running the diagnosis of ${data.site} (run ${data.run ?? 2})…`),
    );
  }
  const answering = thread;
  const threadLog = log.child({ thread: `${answering.channel}/${answering.root}` });
  await deps.runs.attachThread(data.reply.platform, data.site, jobId, answering).catch(() => {});
  threadLog.info('diagnosis started');

  // Posts are chained so findings appear in the order checks end; a failed post fails the attempt.
  let chain: Promise<unknown> = Promise.resolve();
  let postError: unknown;
  const options: DiagnoseOptions = { timeoutMs: data.timeoutMs ?? deps.defaultTimeoutMs };
  if (data.incident?.firstSeen) options.errorsSince = data.incident.firstSeen;
  if (data.origin !== undefined) options.origin = data.origin;
  const report = await deps.diagnoser.run(parsed.target, options, {
    onCheck(summary, findings) {
      chain = chain.then(() =>
        ledger
          .once(`check:${summary.name}`, async () => {
            stillOurs();
            await sink.postCheck(answering, summary, findings);
          })
          .catch((error: unknown) => {
            postError ??= error;
          }),
      );
    },
  });
  await chain;
  if (postError !== undefined) throw postError;
  if (data.incident && deps.incidents) {
    // Stored before the posts so the incident's later root edits keep this verdict.
    await deps.incidents
      .recordReport(data.incident.id, report)
      .catch((error: unknown) => log.warn({ err: error }, 'could not record the report on the incident'));
    context = await runContext(data, deps, log, jobId);
  }
  await ledger.once('summary', async () => {
    stillOurs();
    const offers = await deps.fixOffers?.(report, answering).catch((error: unknown) => {
      log.warn({ err: error }, 'could not store the fix offers; the summary goes without them');
      return [];
    });
    const summary = offers && offers.length > 0 ? { ...context, fixOffers: offers } : context;
    return sink.postSummary(answering, report, summary);
  });
  // Free the site before the root edit that shows the verdict: whoever sees it may ask again at once.
  await deps.runs.release(data.reply.platform, data.site, jobId).catch(() => {});
  await ledger.once('root', async () => {
    stillOurs();
    await sink.updateRoot(answering, report, context);
  });
  threadLog.info({ verdict: report.verdict, primaryCause: report.primaryCause }, 'diagnosis posted');
  return { report, thread: answering };
}

async function runContext(
  data: DiagnosisJobData,
  deps: JobDeps,
  log: Logger,
  jobId: string,
): Promise<RunContext> {
  const context: RunContext = { site: data.site, run: data.run ?? 1, jobId };
  if (data.requestedBy !== undefined) context.requestedBy = data.requestedBy;
  if (data.incident && deps.incidents) {
    // Without it the root just lacks the alert counts; not worth failing the diagnosis over.
    const incident = await deps.incidents
      .context(data.incident.id, data.reply.platform)
      .catch((error: unknown) => log.warn({ err: error }, 'could not read the incident'));
    if (incident) context.incident = incident;
  }
  return context;
}

/** Last attempt failed: tell the thread (when there is one) and free the site for new requests. */
async function giveUp(jobId: string, data: DiagnosisJobData, deps: JobDeps, error: unknown): Promise<void> {
  await deps.runs.release(data.reply.platform, data.site, jobId).catch(() => {});
  if (isPermanent(error)) return;
  const sink = deps.sinks[data.reply.platform];
  const thread =
    data.thread ?? (await new PostLedger(deps.redis, deps.prefix, jobId).root().catch(() => undefined));
  if (!sink || !thread) return;
  await sink
    .postNote(
      thread,
      `The diagnosis of ${data.site} could not complete. Try again with the Re-run button or the command.`,
    )
    .catch((noteError: unknown) =>
      deps.logger.warn({ err: noteError, jobId }, 'could not post the failure note'),
    );
}

export type { ThreadRef };
