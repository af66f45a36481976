// A watch: re-diagnose a site until it has been healthy three runs in a row or the time runs out,
// reporting only changes. This is the pure part, shared by the CLI (`diagnose --watch`) and the
// BullMQ watch jobs: fold each report into the state, get the events worth telling, the delay
// before the next run, and the closing line. "Healthy" means no error finding: a warning (a short
// keep-alive timeout, say) does not keep a watch running forever.
import type { FindingCode } from '../diagnosis/codes.js';
import type { Report, Verdict } from '../diagnosis/report.js';

export const HEALTHY_RUNS_TO_RECOVER = 3;
/** The first re-run comes quickly (a fix may already be live), then once a minute. */
export const FIRST_DELAY_MS = 30_000;
export const NEXT_DELAY_MS = 60_000;
export const DEFAULT_WATCH_MS = 30 * 60_000;
export const MAX_WATCH_MS = 24 * 3600_000;

export interface WatchState {
  site: string;
  startedAt: number;
  endsAt: number;
  runs: number;
  healthyStreak: number;
  /** When the current healthy streak began (ms), while there is one. */
  streakStartedAt?: number;
  /** Whether any run failed: a site healthy throughout did not "recover". */
  everFailed: boolean;
  lastVerdict?: Verdict;
  lastCause?: FindingCode | null;
  lastTitle?: string;
  outcome?: 'recovered' | 'healthy' | 'timed_out' | 'stopped';
  endedAt?: number;
}

export type WatchEvent =
  | { kind: 'cause_changed'; from: FindingCode | null | undefined; to: FindingCode; title: string }
  | { kind: 'failing_again'; cause: FindingCode | null; title: string }
  | { kind: 'ended'; outcome: NonNullable<WatchState['outcome']>; text: string };

export function startWatch(site: string, now: number, durationMs: number): WatchState {
  const bounded = Math.max(1000, Math.min(durationMs, MAX_WATCH_MS));
  return { site, startedAt: now, endsAt: now + bounded, runs: 0, healthyStreak: 0, everFailed: false };
}

export function isHealthy(report: Pick<Report, 'findings' | 'verdict'>): boolean {
  return report.verdict !== 'unknown' && !report.findings.some((f) => f.severity === 'error');
}

/** Folds one finished run into the state: the events to tell, and the new state. */
export function observe(
  state: WatchState,
  report: Pick<Report, 'findings' | 'verdict' | 'primaryCause'>,
  now: number,
): { state: WatchState; events: WatchEvent[] } {
  if (state.outcome) return { state, events: [] };
  const next: WatchState = { ...state, runs: state.runs + 1 };
  const events: WatchEvent[] = [];
  const healthy = isHealthy(report);
  const title = report.findings.find((f) => f.code === report.primaryCause)?.title ?? '';
  if (healthy) {
    if (next.healthyStreak === 0) next.streakStartedAt = now;
    next.healthyStreak += 1;
  } else {
    const wasHealthy = state.healthyStreak > 0;
    next.everFailed = true;
    next.healthyStreak = 0;
    delete next.streakStartedAt;
    if (wasHealthy && state.runs > 0) {
      events.push({ kind: 'failing_again', cause: report.primaryCause, title });
    } else if (state.runs > 0 && report.primaryCause && report.primaryCause !== state.lastCause) {
      events.push({ kind: 'cause_changed', from: state.lastCause, to: report.primaryCause, title });
    }
  }
  next.lastVerdict = report.verdict;
  next.lastCause = report.primaryCause;
  next.lastTitle = title;
  if (next.healthyStreak >= HEALTHY_RUNS_TO_RECOVER) {
    return end(next, next.everFailed ? 'recovered' : 'healthy', now, events);
  }
  if (now >= next.endsAt) return end(next, 'timed_out', now, events);
  return { state: next, events };
}

/** Ends the watch early (a Stop button, a time limit reached between runs). */
export function stopWatch(
  state: WatchState,
  outcome: 'stopped' | 'timed_out',
  now: number,
): { state: WatchState; events: WatchEvent[] } {
  if (state.outcome) return { state, events: [] };
  return end({ ...state }, outcome, now, []);
}

function end(
  state: WatchState,
  outcome: NonNullable<WatchState['outcome']>,
  now: number,
  events: WatchEvent[],
): { state: WatchState; events: WatchEvent[] } {
  const ended: WatchState = { ...state, outcome, endedAt: now };
  return { state: ended, events: [...events, { kind: 'ended', outcome, text: outcomeText(ended) }] };
}

/** The backoff between runs (tests and drills shorten it). */
export interface WatchTimings {
  firstDelayMs: number;
  nextDelayMs: number;
}

export const DEFAULT_WATCH_TIMINGS: WatchTimings = {
  firstDelayMs: FIRST_DELAY_MS,
  nextDelayMs: NEXT_DELAY_MS,
};

/** Delay before the next run, or undefined when the watch is over (or the next run would start too late). */
export function nextRunDelay(
  state: WatchState,
  now: number,
  timings: WatchTimings = DEFAULT_WATCH_TIMINGS,
): number | undefined {
  if (state.outcome) return undefined;
  const delay = state.runs <= 1 ? timings.firstDelayMs : timings.nextDelayMs;
  return now + delay > state.endsAt ? Math.max(0, state.endsAt - now) : delay;
}

/** "recovered after 14 min (first healthy 10:42:10)" / "still failing after 30 min" / … */
export function outcomeText(state: WatchState): string {
  const end = state.endedAt ?? state.startedAt;
  const total = minutes(end - state.startedAt);
  switch (state.outcome) {
    case 'recovered': {
      const first = state.streakStartedAt ?? end;
      return `recovered after ${minutes(first - state.startedAt)} (first healthy ${clock(first)})`;
    }
    case 'healthy':
      return `healthy throughout: ${HEALTHY_RUNS_TO_RECOVER} healthy runs in a row in ${total}`;
    case 'stopped':
      return `stopped after ${total}${state.healthyStreak > 0 ? ` (healthy ${state.healthyStreak} run${state.healthyStreak > 1 ? 's' : ''} in a row)` : state.runs > 0 ? ' (still failing)' : ''}`;
    case 'timed_out':
      return state.healthyStreak > 0
        ? `healthy again but not yet confirmed after ${total} (${state.healthyStreak} of ${HEALTHY_RUNS_TO_RECOVER} runs, first healthy ${clock(state.streakStartedAt ?? end)})`
        : `still failing after ${total}`;
    default:
      return `watching for ${total}`;
  }
}

/** The root message's status line while the watch runs. */
export function statusText(state: WatchState, now = Date.now()): string {
  if (state.outcome) return outcomeText(state);
  const left = minutes(Math.max(0, state.endsAt - now));
  if (state.healthyStreak > 0)
    return `healthy ${state.healthyStreak} of ${HEALTHY_RUNS_TO_RECOVER} runs in a row; confirming (run ${state.runs})`;
  return `${state.lastCause ? `failing: ${state.lastCause}` : 'checking'} (run ${state.runs}; watching up to ${left} more)`;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${m} min`;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Parses `30m`, `1h`, `90s`, `45` (minutes). */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,4})\s*(s|sec|m|min|h|hr)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const ms = unit.startsWith('s') ? n * 1000 : unit.startsWith('h') ? n * 3600_000 : n * 60_000;
  return ms > 0 && ms <= MAX_WATCH_MS ? ms : undefined;
}
