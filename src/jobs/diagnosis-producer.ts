// Queues diagnosis requests from the fronts (Slack, Discord, webhooks). A request for a site that
// is already being diagnosed joins that run; Redis trouble surfaces within about a second as a
// QueueUnavailableError so the front can answer the user at once.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DiagnosisRequester, RequestOptions, RequestOutcome } from '../chat/front/diagnosis-request.js';
import type { ReportLookup } from '../chat/front/report-lookup.js';
import { withTimeout } from '../time/with-timeout.js';
import { watchSiteKey } from '../watch/watch-keys.js';
import { ActiveRuns } from './active-runs.js';
import { type DiagnosisJobData, type DiagnosisJobResult, validateJobData } from './diagnosis-job.js';
import { DIAGNOSIS_QUEUE } from './queue-names.js';
import { QueueUnavailableError } from './queue-unavailable-error.js';
import { closeRedis, createFrontRedis, waitUntilReady } from './redis-clients.js';
import type { RedisTarget } from './redis-target.js';

export type { RequestOptions, RequestOutcome };

export interface DiagnosisProducer extends DiagnosisRequester, ReportLookup {
  requestUnlessWatched(data: DiagnosisJobData, options?: RequestOptions): Promise<RequestOutcome | 'watched'>;
  /** A cheap PING, for /readyz. */
  ping(): Promise<boolean>;
  /** Waits (at most `ms`) for the first connection; false when Redis is not there yet. Never throws. */
  ready(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface ProducerOptions {
  /** A fail-fast client of our own is created from this when `connection` is absent. */
  /** REDIS_URL, or the whole target (Cluster, Sentinel). */
  redisUrl?: string | RedisTarget;
  /** A client the caller owns (not closed here); it should have `enableOfflineQueue: false`. */
  connection?: Redis;
  prefix: string;
  /** Bound on the whole Redis part of a request. */
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
}

export function createDiagnosisProducer(options: ProducerOptions): DiagnosisProducer {
  const owned = options.connection === undefined;
  if (owned && options.redisUrl === undefined)
    throw new Error('createDiagnosisProducer: redisUrl or connection');
  const redis = options.connection ?? createFrontRedis(options.redisUrl!);
  redis.on('error', () => {}); // reported through request failures and /readyz
  // The Queue is created only while Redis is connected: BullMQ caches a failed initialisation, so a
  // Queue born during an outage would stay broken. After a failed add it is rebuilt on next use.
  let queue: Queue<DiagnosisJobData> | undefined;
  const getQueue = (): Queue<DiagnosisJobData> => {
    if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
    if (!queue) {
      queue = new Queue<DiagnosisJobData>(DIAGNOSIS_QUEUE, {
        connection: redis,
        prefix: options.prefix,
        skipWaitingForReady: true,
        defaultJobOptions: {
          attempts: options.attempts ?? 3,
          backoff: { type: 'exponential', delay: options.backoffMs ?? 2000 },
          removeOnComplete: { age: 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
        },
      });
      queue.on('error', () => {});
    }
    return queue;
  };
  // Built as soon as Redis is ready, not by the first request: BullMQ's start-up (loading its
  // scripts, reading the server's version) would otherwise delay the first command's ack.
  const prepare = () => {
    if (redis.status === 'ready') getQueue();
  };
  redis.on('ready', prepare);
  prepare();
  const add = async (data: DiagnosisJobData, jobId: string): Promise<void> => {
    const current = getQueue();
    try {
      await current.add('diagnose', data, { jobId });
    } catch (error) {
      if (queue === current) queue = undefined;
      void current.close().catch(() => {});
      throw error;
    }
  };
  const runs = new ActiveRuns(redis, options.prefix);
  const timeoutMs = options.timeoutMs ?? 1000;

  async function enqueue(
    data: DiagnosisJobData,
    jobId: string,
    unlessWatched: boolean,
  ): Promise<RequestOutcome | 'watched'> {
    const platform = data.reply.platform;
    const blocking = unlessWatched ? watchSiteKey(options.prefix, platform, data.site) : undefined;
    if (data.thread) {
      if (blocking !== undefined && (await redis.exists(blocking)) === 1) return 'watched';
      // A re-run from a thread's button: its own run in that thread, unless that thread is already running one.
      const current = await runs.get(platform, data.site);
      if (current?.thread?.root === data.thread.root && current.thread.channel === data.thread.channel) {
        return { outcome: 'joined', jobId: current.jobId, thread: current.thread };
      }
      await add(data, jobId);
      await runs.replace(platform, data.site, { jobId, thread: data.thread });
      return { outcome: 'queued', jobId, thread: data.thread };
    }
    const claim = await runs.claim(platform, data.site, { jobId }, blocking);
    if (!claim.claimed) {
      // Nothing claimed or queued: the front joins the watch (or asks again once it is gone).
      if ('blocked' in claim) return 'watched';
      const joined: RequestOutcome = { outcome: 'joined', jobId: claim.held.jobId };
      if (claim.held.thread) joined.thread = claim.held.thread;
      return joined;
    }
    try {
      await add(data, jobId);
    } catch (error) {
      await runs.release(platform, data.site, jobId).catch(() => {});
      throw error;
    }
    return { outcome: 'queued', jobId };
  }

  async function submit(
    raw: Parameters<DiagnosisRequester['request']>[0],
    requestOptions: RequestOptions,
    unlessWatched: boolean,
  ): Promise<RequestOutcome | 'watched'> {
    const data = validateJobData(raw);
    const jobId = requestOptions.jobId ?? randomUUID();
    if (jobId.includes(':') || /^\d+$/.test(jobId)) throw new Error(`job id "${jobId}" is not allowed`);
    try {
      return await withTimeout(enqueue(data, jobId, unlessWatched), timeoutMs, 'queueing the diagnosis');
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }

  return {
    request: (raw, requestOptions = {}) => submit(raw, requestOptions, false) as Promise<RequestOutcome>,
    requestUnlessWatched: (raw, requestOptions = {}) => submit(raw, requestOptions, true),
    async report(jobId) {
      const job = await withTimeout(getQueue().getJob(jobId), timeoutMs, 'reading the job');
      const result = job?.returnvalue as DiagnosisJobResult | undefined | null;
      return result?.report ?? undefined;
    },
    async ping() {
      try {
        return (await withTimeout(redis.ping(), 500, 'PING')) === 'PONG';
      } catch {
        return false;
      }
    },
    ready: (ms) => waitUntilReady(redis, ms),
    async close() {
      redis.off('ready', prepare);
      await queue?.close().catch(() => {});
      if (owned) await closeRedis(redis);
    },
  };
}
