// A BullMQ job's lock lapses while its attempt is still running (a long event-loop block or a Redis
// hiccup longer than lockDuration would do it): the lock key is removed, so the stalled-job check
// hands the job to another worker while the first one carries on. Only the lock is touched; the
// attempt in flight and both workers are the real ones.
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function jobQueue(redis: Redis, prefix: string, queueName: string) {
  const queue = new Queue(queueName, { connection: redis.duplicate(), prefix });
  return {
    /** The job being run now (the first one, when several are). */
    active: (): Promise<Job> => poll('an active job', async () => (await queue.getActive())[0]),
    /** Removes the job's lock, as its expiry would. */
    async lapseLock(jobId: string): Promise<void> {
      await redis.del(`${prefix}:${queueName}:${jobId}:lock`);
    },
    /** Resolves when the job has been started `n` times (a stalled job picked up again). */
    started: (jobId: string, n: number) =>
      poll(`attempt ${n} of ${jobId}`, async () => {
        const job = await queue.getJob(jobId);
        return job && job.attemptsStarted >= n ? true : undefined;
      }),
    finished: (jobId: string) =>
      poll(`${jobId} finished`, async () => {
        const state = await queue.getJobState(jobId);
        return state === 'completed' || state === 'failed' ? state : undefined;
      }),
    /** The errors of the job's failed attempts (waiting for another attempt is not one). */
    failures: async (jobId: string) => (await queue.getJob(jobId))?.stacktrace ?? [],
    close: () => queue.close(),
  };
}
