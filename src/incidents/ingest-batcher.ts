// Coalesces the ingests that arrive in the same turn of the event loop into few script calls. In an
// alert storm a hundred deliveries land together; one EVALSHA for all of them costs Redis and this
// process a fraction of a hundred separate calls, and the order of arrival is kept (one connection,
// calls sent in order, each script atomic). Every caller still waits for its own alerts to be in Redis.

export interface IngestBatcherOptions<T, R> {
  /** Records items in order and returns one result per item, in the same order. */
  run(items: T[]): Promise<R[]>;
  /** Callers are grouped into one `run` up to this many items; a bigger caller runs alone. */
  maxItems: number;
}

interface Waiting<T, R> {
  items: readonly T[];
  resolve(results: R[]): void;
  reject(error: unknown): void;
}

export function createIngestBatcher<T, R>(
  options: IngestBatcherOptions<T, R>,
): (items: readonly T[]) => Promise<R[]> {
  let pending: Waiting<T, R>[] = [];

  function flush(): void {
    const callers = pending;
    pending = [];
    let group: Waiting<T, R>[] = [];
    let size = 0;
    for (const caller of callers) {
      if (group.length > 0 && size + caller.items.length > options.maxItems) {
        runGroup(group);
        group = [];
        size = 0;
      }
      group.push(caller);
      size += caller.items.length;
    }
    if (group.length > 0) runGroup(group);
  }

  // A group fails or succeeds as one: its callers answer 503 and their senders retry, which the
  // store's delivery identity (fingerprint and start) makes harmless. Other groups are unaffected.
  function runGroup(group: Waiting<T, R>[]): void {
    const items = group.flatMap((caller) => caller.items);
    options.run(items).then(
      (results) => {
        let from = 0;
        for (const caller of group) {
          caller.resolve(results.slice(from, from + caller.items.length));
          from += caller.items.length;
        }
      },
      (error: unknown) => {
        for (const caller of group) caller.reject(error);
      },
    );
  }

  return (items) =>
    new Promise<R[]>((resolve, reject) => {
      if (items.length === 0) return resolve([]);
      // setImmediate runs after the poll phase, so every request parsed in this turn joins the batch.
      if (pending.length === 0) setImmediate(flush);
      pending.push({ items, resolve, reject });
    });
}
