// The BullMQ queue of watches: one delayed job per run (`<watch>-run-<n>`) and one job that posts
// the outcome (`<watch>-finish`). Ids are derived from the watch and the run number, so a retried
// run that queues its successor again, or a second Stop, never doubles a job. Delayed jobs live in
// Redis: a worker restarted mid-watch finds the next run waiting.
import type { JobsOptions, Queue } from 'bullmq';

export const WATCH_QUEUE = 'watch';

export type WatchJob = { kind: 'run'; id: string; run: number } | { kind: 'finish'; id: string };

const BASE: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  // Kept an hour so a second add of the same id (a retried predecessor) is ignored.
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

export async function queueRun(queue: Queue, id: string, run: number, delayMs: number): Promise<void> {
  const job: WatchJob = { kind: 'run', id, run };
  await queue.add('run', job, {
    ...BASE,
    jobId: `${id}-run-${run}`,
    delay: Math.max(0, Math.round(delayMs)),
  });
}

export async function queueFinish(queue: Queue, id: string): Promise<void> {
  const job: WatchJob = { kind: 'finish', id };
  await queue.add('finish', job, { ...BASE, attempts: 5, jobId: `${id}-finish` });
}
