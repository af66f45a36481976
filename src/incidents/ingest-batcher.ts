// Coalesces concurrent ingests into few script calls. In an alert storm a hundred deliveries land
// together; one EVALSHA for all of them costs Redis and this process a fraction of a hundred separate
// calls, and the order of arrival is kept (one connection, calls sent in order, each script atomic).
// While a call is out, the deliveries that arrive wait for it and then go together: Redis runs scripts
// one at a time anyway, so a second call sent meanwhile would only queue there, and a bigger batch
// pays each site's reads and writes once for more alerts. An idle front sends at once. Every caller
// still waits for its own alerts to be in Redis.

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
  let scheduled = false;
  let running = 0;

  // setImmediate runs after the poll phase, so every request parsed in this turn joins the batch.
  function schedule(): void {
    if (scheduled || running > 0 || pending.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
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
    running++;
    let call: Promise<R[]>;
    try {
      call = options.run(items);
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      (results) => {
        running--;
        let from = 0;
        for (const caller of group) {
          caller.resolve(results.slice(from, from + caller.items.length));
          from += caller.items.length;
        }
        schedule();
      },
      (error: unknown) => {
        running--;
        for (const caller of group) caller.reject(error);
        schedule();
      },
    );
  }

  return (items) =>
    new Promise<R[]>((resolve, reject) => {
      if (items.length === 0) return resolve([]);
      pending.push({ items, resolve, reject });
      schedule();
    });
}
