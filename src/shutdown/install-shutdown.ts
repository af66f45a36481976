// Graceful shutdown on SIGTERM/SIGINT: close each handle in order (the HTTP server first so no new
// request is accepted, then workers, which finish jobs in flight up to the deadline, then Redis),
// each given what is left of one overall budget, then exit 0. A handle that outlives its share is
// abandoned (its jobs stall and another worker retries them) and the exit code is 1. A second
// signal exits at once.
import type { Logger } from 'pino';
import { within } from '../time/with-timeout.js';

export interface ShutdownHandle {
  name: string;
  /** Stops this part; `deadlineMs` is what is left of the shutdown budget, in milliseconds. */
  close(deadlineMs: number): Promise<void>;
}

/** The parts of `process` shutdown uses, so tests can drive it without signalling themselves. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
  exit(code: number): void;
}

export interface ShutdownOptions {
  logger: Logger;
  handles: readonly ShutdownHandle[];
  timeoutMs: number;
  signals?: readonly NodeJS.Signals[];
  process?: SignalSource;
}

export interface Shutdown {
  /** Runs the shutdown (as a signal would) and resolves with the exit code it used. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners (tests, or a role that shuts down another way). */
  uninstall(): void;
}

/** Extra time after the budget for the last handle to give up before the process exits anyway. */
const GRACE_MS = 2000;

export function installShutdown(options: ShutdownOptions): Shutdown {
  const { logger, handles, timeoutMs } = options;
  const proc: SignalSource = options.process ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let running: Promise<number> | undefined;

  const listeners = new Map<NodeJS.Signals, () => void>();
  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      logger.warn({ signal }, 'second signal: exiting now');
      proc.exit(130);
      return;
    }
    void shutdown(signal).then((code) => proc.exit(code));
  };
  for (const signal of signals) {
    const listener = () => onSignal(signal);
    listeners.set(signal, listener);
    // `on`, not `once`: the listener stays so that a second signal forces the exit.
    proc.on(signal, listener);
  }

  function shutdown(reason: string): Promise<number> {
    running ??= run(reason);
    return running;
  }

  async function run(reason: string): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    logger.info({ reason, timeoutMs }, 'shutting down');
    let code = 0;
    for (const handle of handles) {
      const left = Math.max(0, deadline - Date.now());
      const started = Date.now();
      const outcome = await settle(handle.close(left), left + GRACE_MS);
      const ms = Date.now() - started;
      if (outcome.kind === 'closed') logger.info({ part: handle.name, ms }, 'closed');
      else {
        code = 1;
        if (outcome.kind === 'late')
          logger.error({ part: handle.name, ms }, 'did not close in time; abandoned');
        else logger.error({ part: handle.name, err: outcome.error }, 'failed to close');
      }
    }
    logger.info({ code }, 'shutdown complete');
    return code;
  }

  return {
    shutdown,
    uninstall() {
      for (const [signal, listener] of listeners) proc.off(signal, listener);
    },
  };
}

type Outcome = { kind: 'closed' } | { kind: 'late' } | { kind: 'failed'; error: unknown };

function settle(work: Promise<void>, ms: number): Promise<Outcome> {
  return within(
    work.then(
      (): Outcome => ({ kind: 'closed' }),
      (error: unknown): Outcome => ({ kind: 'failed', error }),
    ),
    ms,
    { kind: 'late' } as Outcome,
  );
}
