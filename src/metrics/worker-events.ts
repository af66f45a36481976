// Counts job outcomes from a BullMQ Worker's local events (only jobs this process ran, so sums
// across processes are right; QueueEvents would count every job in every process).
import type { Metrics } from './metrics.js';

/** The part of a BullMQ Worker this needs (its `on` is typed per event, hence the loose shape). */
export interface WorkerEventSource {
  on(event: 'completed' | 'failed' | 'stalled', listener: (...args: never[]) => void): unknown;
}

export function recordWorkerEvents(worker: WorkerEventSource, metrics: Metrics): void {
  worker.on('completed', () => metrics.jobs.inc({ state: 'completed' }));
  worker.on('failed', ((job: { attemptsMade?: number; opts?: { attempts?: number } } | undefined) => {
    // A failure with attempts left is a retry, not a lost job.
    const attempts = job?.opts?.attempts ?? 1;
    const final = job === undefined || (job.attemptsMade ?? attempts) >= attempts;
    metrics.jobs.inc({ state: final ? 'failed' : 'retried' });
  }) as (...args: never[]) => void);
  worker.on('stalled', () => metrics.jobs.inc({ state: 'stalled' }));
}
