// The storm queue: its own BullMQ queue, so posting the storm message never waits behind the root
// posts of the very storm it announces (those fill the incident queue's workers during a storm).
import type { JobsOptions, Queue } from 'bullmq';

export const STORM_QUEUE = 'incident-storms';

export type StormJob = { kind: 'post'; storm: string } | { kind: 'edit'; storm: string };

const BASE: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 500, age: 24 * 3600 },
  removeOnFail: { count: 500, age: 7 * 24 * 3600 },
};

export async function queueStormPost(queue: Queue, storm: string): Promise<void> {
  const job: StormJob = { kind: 'post', storm };
  await queue.add('post', job, { ...BASE, jobId: `post-${storm}` });
}

/** Edits within one window share a job, run at its end, so a storm's message is edited about once a second. */
export async function queueStormEdit(
  queue: Queue,
  storm: string,
  nowMs: number,
  windowMs: number,
): Promise<void> {
  const job: StormJob = { kind: 'edit', storm };
  const slot = Math.floor(nowMs / windowMs);
  await queue.add('edit', job, { ...BASE, jobId: `edit-${storm}-${slot}`, delay: windowMs });
}
