// When the samples of one leg start: spread evenly over about a second (a burst of failures or one
// bad worker behind a balancer shows up across time, not in one instant), never more than a quarter
// of the probe budget, so the last sample still has most of the budget to answer.
export const DEFAULT_SAMPLES = 5;
export const MAX_SAMPLES = 50;
const SPREAD_MS = 800;

export function sampleCount(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_SAMPLES;
  return Math.max(1, Math.min(MAX_SAMPLES, Math.floor(requested)));
}

/**
 * Start offsets (ms) of `n` samples: evenly spaced, each but the first moved by up to a third of the
 * spacing at random, so that two legs sampled at once (edge and origin) do not fall into lockstep
 * with an origin that fails every k-th connection or request.
 */
export function sampleOffsets(n: number, timeoutMs: number, random: () => number = Math.random): number[] {
  if (n <= 1) return [0];
  const spread = Math.min(SPREAD_MS, timeoutMs / 4);
  const spacing = spread / (n - 1);
  return Array.from({ length: n }, (_, i) => {
    const jitter = i === 0 ? 0 : (random() * 2 - 1) * (spacing / 3);
    return Math.max(0, Math.round(spacing * i + jitter));
  }).sort((a, b) => a - b);
}

/** The longest spread, for budgets: a check that samples needs this on top of the probe budget. */
export function spreadOf(timeoutMs: number): number {
  return Math.min(SPREAD_MS, timeoutMs / 4);
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** min/median/max of the values (undefined when there are none). */
export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  return { min: sorted[0]!, median, max: sorted.at(-1)! };
}
