// Every latency row of `npm run bench` beside its baseline from the same run: p50 and p99 of both,
// and their ratios, which are what the targets are set on (absolute times on a shared machine swing
// two- to five-fold between runs; the ratio to a baseline measured alongside does not).
import type { BenchRow } from '../run.js';
import { quantile } from './load-client.js';

export function ratioRows(
  bench: string,
  what: string,
  measured: readonly number[],
  baselineName: string,
  baseline: readonly number[],
  /** Highest acceptable ratio (p50 and p99); informative when absent. */
  target?: { p50?: number; p99?: number },
): BenchRow[] {
  const sorted = [...measured].sort((a, b) => a - b);
  const base = [...baseline].sort((a, b) => a - b);
  const rows: BenchRow[] = [];
  for (const [label, q] of [
    ['p50', 0.5],
    ['p99', 0.99],
  ] as const) {
    const value = quantile(sorted, q);
    const reference = quantile(base, q);
    const ratio = value / Math.max(0.001, reference);
    const limit = target?.[label];
    rows.push(
      { bench, metric: `${what} ${label}`, value, unit: 'ms', target: '' },
      { bench, metric: `  baseline ${label}: ${baselineName}`, value: reference, unit: 'ms', target: '' },
      {
        bench,
        metric: `  ${what} ${label} / baseline ${label}`,
        value: ratio,
        unit: 'x',
        target: limit === undefined ? '' : `<= ${limit}`,
        ...(limit === undefined ? {} : { pass: ratio <= limit }),
      },
    );
  }
  return rows;
}
