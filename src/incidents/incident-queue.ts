// The small BullMQ queue of incident actions. Job ids are derived from the incident's state, so a
// front that retries, two fronts racing, or the reconciler re-adding an action never runs it twice.
import type { JobsOptions, Queue } from 'bullmq';
import type { IncidentTimings } from './incident-deps.js';

export const INCIDENT_QUEUE = 'incidents';

export type IncidentJob =
  | { kind: 'open'; id: string }
  | { kind: 'edit'; id: string }
  | { kind: 'recheck'; id: string; gen: number; attempt: number };

const BASE: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 2000, age: 24 * 3600 },
  removeOnFail: { count: 2000, age: 7 * 24 * 3600 },
};

/** BullMQ refuses `:` in custom ids; incident ids are `<site>#<n>`, which is fine. */
function jobId(job: IncidentJob, slot: string | number): string {
  return `${job.kind}-${job.id}-${slot}`.replaceAll(':', '_');
}

export async function queueOpen(queue: Queue, id: string): Promise<void> {
  const job: IncidentJob = { kind: 'open', id };
  await queue.add('open', job, { ...BASE, jobId: jobId(job, 'root') });
}

/**
 * The reconciler's version: BullMQ ignores an add whose id exists, so an open job that used up its
 * attempts during a Redis outage (or completed without opening) would block every later add.
 * A failed one is retried, a finished one replaced; one waiting or running is left alone.
 */
export async function ensureOpen(queue: Queue, id: string): Promise<void> {
  const existing = await queue.getJob(jobId({ kind: 'open', id }, 'root'));
  if (!existing) return queueOpen(queue, id);
  const state = await existing.getState();
  if (state === 'failed') await existing.retry('failed');
  else if (state === 'completed') {
    await existing.remove();
    await queueOpen(queue, id);
  }
}

/** Delayed by the edit window so the edit shows every alert counted during it. */
export async function queueEdit(
  queue: Queue,
  id: string,
  slot: number,
  timings: IncidentTimings,
): Promise<void> {
  const job: IncidentJob = { kind: 'edit', id };
  await queue.add('edit', job, { ...BASE, jobId: jobId(job, slot), delay: timings.editIntervalMs });
}

/** Re-check n waits recheckDelay·2ⁿ: a site that is slow to recover gets more time each round. */
export async function queueRecheck(
  queue: Queue,
  id: string,
  gen: number,
  attempt: number,
  timings: IncidentTimings,
): Promise<void> {
  const job: IncidentJob = { kind: 'recheck', id, gen, attempt };
  await queue.add('recheck', job, {
    ...BASE,
    attempts: 3,
    jobId: jobId(job, `${gen}-${attempt}`),
    delay: timings.recheckDelayMs * 2 ** attempt,
  });
}
