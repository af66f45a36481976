// The words a watch posts in its thread (plain text: each sink escapes it for its platform) and
// records in the incident timeline.
import type { WatchEvent, WatchState } from './watch-state.js';

export function changeNote(event: WatchEvent, state: WatchState, at: number): string | undefined {
  const when = `Run ${state.runs} (${clock(at)} UTC)`;
  switch (event.kind) {
    case 'cause_changed':
      return `${when}: the primary cause changed — now ${event.title || event.to} (${event.to}).`;
    case 'failing_again':
      return `${when}: failing again${event.cause ? ` — ${event.title || event.cause} (${event.cause})` : ''}. The healthy streak is reset.`;
    case 'ended':
      return undefined;
  }
}

export function outcomeNote(state: WatchState, text: string): string {
  const head =
    state.outcome === 'recovered' || state.outcome === 'healthy'
      ? '✅'
      : state.outcome === 'stopped'
        ? '⏹'
        : '⏱';
  const cause =
    state.outcome === 'timed_out' && state.healthyStreak === 0 && state.lastCause
      ? ` (primary cause: ${state.lastCause})`
      : '';
  return `${head} ${state.site} ${text}${cause}. Watch ended after ${state.runs} run${state.runs === 1 ? '' : 's'}.`;
}

/** The first line of the timeline's watch entries. */
export function startNote(state: WatchState): string {
  const minutes = Math.round((state.endsAt - state.startedAt) / 60_000);
  return `watching for up to ${minutes} min`;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
