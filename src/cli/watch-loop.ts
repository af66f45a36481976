// `check502 diagnose <site> --watch 30m`: the watch state machine (src/watch) driven in-process.
// The first run is printed in full; later runs print a line only when something changed, and the
// watch ends with its outcome. Ctrl-C stops it (the outcome says "stopped").
import type { Report } from '../diagnosis/report.js';
import {
  nextRunDelay,
  observe,
  startWatch,
  stopWatch,
  type WatchEvent,
  type WatchState,
} from '../watch/watch-state.js';

export interface WatchLoopDeps {
  site: string;
  durationMs: number;
  run(): Promise<Report>;
  /** Prints the first report in full. */
  printFirst(report: Report): void;
  /** Prints one line. */
  print(line: string): void;
  now?: () => number;
  /** Waits `ms`, or less when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

export async function runWatchLoop(deps: WatchLoopDeps): Promise<WatchState> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const signal = deps.signal ?? new AbortController().signal;
  let state = startWatch(deps.site, now(), deps.durationMs);
  for (;;) {
    const report = await deps.run();
    const folded = observe(state, report, now());
    if (state.runs === 0) deps.printFirst(report);
    state = folded.state;
    for (const event of folded.events) deps.print(line(event, state, now()));
    const delay = nextRunDelay(state, now());
    if (delay === undefined) return state;
    await sleep(delay, signal);
    if (signal.aborted || now() >= state.endsAt) {
      const stopped = stopWatch(state, signal.aborted ? 'stopped' : 'timed_out', now());
      for (const event of stopped.events) deps.print(line(event, stopped.state, now()));
      return stopped.state;
    }
  }
}

function line(event: WatchEvent, state: WatchState, at: number): string {
  const time = new Date(at).toISOString().slice(11, 19);
  switch (event.kind) {
    case 'cause_changed':
      return `[${time}] run ${state.runs}: now ${event.to} — ${event.title}`;
    case 'failing_again':
      return `[${time}] run ${state.runs}: failing again${event.cause ? `: ${event.cause} — ${event.title}` : ''}`;
    case 'ended':
      return `[${time}] ${state.site} ${event.text} (${state.runs} run${state.runs === 1 ? '' : 's'})`;
  }
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
