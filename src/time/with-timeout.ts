// The one bound on how long we wait for a promise. Everything that must answer in time (a chat ack
// under Slack's and Discord's 3 s, /readyz, a webhook, a shutdown deadline) waits through these two,
// so the timer is always cleared and the error always says what was slow.

export class TimeoutError extends Error {
  constructor(
    what: string,
    readonly ms: number,
  ) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** The promise's result, or a TimeoutError once `ms` have passed (the work itself goes on). */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The promise's result, or `whenLate` once `ms` have passed; never rejects on time (it may on the promise). */
export async function within<T, L>(promise: Promise<T>, ms: number, whenLate: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<L>((resolve) => {
    timer = setTimeout(() => resolve(whenLate), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
