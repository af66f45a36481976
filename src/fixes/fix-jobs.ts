// The fix queue: a confirmed fix (or an Undo) becomes one BullMQ job whose id is derived from the
// offer (or the fix), so a double confirmation is queued once; the worker applies it through the
// fix service with the job id as request id, so a retried job reads back its first result instead
// of writing again. The outcome is posted in the thread (with Undo while it lasts), then the site is
// re-checked in the same thread.
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DiagnosisRequester } from '../chat/front/diagnosis-request.js';
import type { FixJob, FixOffers, FixRequester } from '../chat/front/fix-request.js';
import type { ChatSink, Platform, ThreadRef } from '../chat/sink.js';
import { closeRedis, createWorkerRedis } from '../jobs/redis-clients.js';
import type { RedisTarget } from '../jobs/redis-target.js';
import type { FixOutcome, FixService } from './fix-service.js';

export const FIX_QUEUE = 'fixes';

export function createFixRequester(
  connection: Redis,
  prefix: string,
): FixRequester & { close(): Promise<void> } {
  let queue: Queue<FixJob> | undefined;
  return {
    async requestFix(job, jobId) {
      if (connection.status !== 'ready') throw new Error(`redis is ${connection.status}`);
      queue ??= new Queue<FixJob>(FIX_QUEUE, {
        connection,
        prefix,
        skipWaitingForReady: true,
        defaultJobOptions: {
          attempts: 3,
          backoff: { type: 'exponential', delay: 1000 },
          // Kept a day so a later duplicate confirmation still finds (and skips) the job.
          removeOnComplete: { age: 86_400 },
          removeOnFail: { age: 7 * 86_400 },
        },
      });
      queue.on('error', () => {});
      await queue.add(job.kind, job, { jobId });
    },
    async close() {
      await queue?.close();
    },
  };
}

export interface FixWorkerDeps {
  redisUrl: string | RedisTarget;
  prefix: string;
  service: FixService;
  offers: FixOffers & { rememberThread(fixId: string, thread: ThreadRef): Promise<void> };
  sinks: Partial<Record<Platform, ChatSink>>;
  /** Re-checks the site in the thread after a fix or an undo. */
  diagnoses: DiagnosisRequester;
  logger: Logger;
}

export function startFixWorker(deps: FixWorkerDeps): { close(): Promise<void> } {
  const connection = createWorkerRedis(deps.redisUrl);
  connection.on('error', () => {});
  const worker = new Worker<FixJob, FixOutcome>(FIX_QUEUE, (job) => runFixJob(job.data, job.id ?? '', deps), {
    connection,
    prefix: deps.prefix,
    concurrency: 4,
  });
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'fix worker'));
  return {
    async close() {
      await worker.close();
      await closeRedis(connection);
    },
  };
}

export async function runFixJob(
  job: FixJob,
  jobId: string,
  deps: Omit<FixWorkerDeps, 'redisUrl' | 'prefix'>,
): Promise<FixOutcome> {
  const log = deps.logger.child({ fixJob: jobId });
  let thread: ThreadRef | undefined;
  let outcome: FixOutcome;
  if (job.kind === 'apply') {
    const offer = await deps.offers.get(job.offerId);
    if (!offer) throw new UnrecoverableError('the fix offer expired');
    thread = offer.thread;
    outcome = await deps.service.apply({
      plan: offer.plan,
      actor: job.actor,
      requestId: jobId,
      scope: `${thread.channel}/${thread.root}`,
    });
    if (outcome.undoUntil) await deps.offers.rememberThread(outcome.fixId, thread);
  } else {
    thread = await deps.offers.threadOf(job.fixId);
    outcome = await deps.service.undo(job.fixId, job.actor, jobId);
  }
  log.info({ status: outcome.status, action: outcome.plan.action, site: outcome.plan.site }, 'fix handled');
  if (!thread) return outcome;
  const sink = deps.sinks[thread.platform];
  const who = job.actor.name ?? job.actor.user;
  const text = `🔧 ${outcome.message} (${job.kind === 'undo' ? 'undo' : outcome.plan.title}, by ${who})`;
  await sink?.postFixResult?.(
    thread,
    text,
    outcome.status === 'applied' && outcome.undoUntil ? outcome.fixId : undefined,
  );
  if (outcome.status === 'applied' || outcome.status === 'undone') {
    const site = outcome.plan.site;
    await deps.diagnoses
      .request(
        {
          site,
          input: site,
          reply: { platform: thread.platform, channel: thread.channel },
          thread,
          run: 2,
          requestedBy: `fix by ${who}`,
        },
        { jobId: `recheck-${jobId}` },
      )
      .catch((error: unknown) => log.warn({ err: error }, 'could not queue the re-check'));
  }
  return outcome;
}
