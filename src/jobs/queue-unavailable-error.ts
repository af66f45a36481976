// Raised by producers when Redis cannot take a job right now; fronts answer "try again in a minute".
export class QueueUnavailableError extends Error {
  readonly code = 'queue_unavailable';
  constructor(cause: unknown) {
    super(`the job queue is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'QueueUnavailableError';
  }
}
