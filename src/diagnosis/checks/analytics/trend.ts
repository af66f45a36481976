// Is it ongoing, growing or over? The 5xx share per 5-minute bucket over the last hour, read the way
// an on-call engineer would: the last 10 minutes against the rest. The newest bucket is still filling
// (and analytics arrive a minute or two late), so "recent" is judged on counts, not on one bucket.
export type Trend = 'started' | 'growing' | 'ongoing' | 'subsiding' | 'over' | 'sporadic';

export interface Bucket {
  start: string;
  total: number;
  errors5xx: number;
}

export interface TrendOf {
  trend: Trend;
  /** Words for the title, e.g. "growing: 18% in the last 10 min (2.1% before)". */
  words: string;
  recentSharePercent: number;
  earlierSharePercent: number;
  /** When the 5xx began (the first bucket with errors) and, when over, the last one with errors. */
  firstAt?: string;
  lastAt?: string;
}

const RECENT_MS = 10 * 60_000;
/** A bucket "has errors" at this share and count; fewer is background noise. */
const BUCKET_SHARE = 0.01;
const BUCKET_COUNT = 2;
/** Recent traffic this small says nothing either way. */
const MIN_RECENT = 5;

const pct = (n: number) => Math.round(n * 1000) / 10;
const hhmm = (iso: string) => iso.slice(11, 16);

export function trendOf(buckets: readonly Bucket[], until: Date): TrendOf | undefined {
  if (buckets.length === 0) return undefined;
  const cut = until.getTime() - RECENT_MS;
  const recent = buckets.filter((b) => Date.parse(b.start) + 5 * 60_000 > cut);
  const earlier = buckets.filter((b) => Date.parse(b.start) + 5 * 60_000 <= cut);
  const sum = (bs: readonly Bucket[], k: 'total' | 'errors5xx') => bs.reduce((n, b) => n + b[k], 0);
  const share = (bs: readonly Bucket[]) =>
    sum(bs, 'total') > 0 ? sum(bs, 'errors5xx') / sum(bs, 'total') : 0;
  const bad = (b: Bucket) =>
    b.errors5xx >= BUCKET_COUNT && b.total > 0 && b.errors5xx / b.total >= BUCKET_SHARE;
  const recentShare = share(recent);
  const earlierShare = share(earlier);
  const failing = buckets.filter(bad);
  const base = { recentSharePercent: pct(recentShare), earlierSharePercent: pct(earlierShare) };
  const firstAt = failing[0]?.start;
  const lastAt = failing.at(-1)?.start;
  const at = { ...(firstAt ? { firstAt } : {}), ...(lastAt ? { lastAt } : {}) };
  if (failing.length === 0)
    return { trend: 'sporadic', words: 'scattered, no 5-minute stretch stands out', ...base, ...at };
  const recentBad =
    recent.some(bad) || (sum(recent, 'errors5xx') >= BUCKET_COUNT && recentShare >= BUCKET_SHARE);
  if (!recentBad) {
    if (sum(recent, 'total') < MIN_RECENT)
      return {
        trend: 'over',
        words: `no traffic since ${hhmm(lastAt!)} to tell whether it is over`,
        ...base,
        ...at,
      };
    return {
      trend: 'over',
      words: `over: the last 5xx stretch began ${hhmm(lastAt!)}; ${pct(recentShare)}% in the last 10 min`,
      ...base,
      ...at,
    };
  }
  if (!earlier.some(bad)) {
    return {
      trend: 'started',
      words: `started at about ${hhmm(firstAt!)}: ${pct(recentShare)}% in the last 10 min, ${pct(earlierShare)}% before`,
      ...base,
      ...at,
    };
  }
  if (recentShare >= earlierShare * 2) {
    return {
      trend: 'growing',
      words: `growing: ${pct(recentShare)}% in the last 10 min, ${pct(earlierShare)}% before`,
      ...base,
      ...at,
    };
  }
  if (recentShare * 2 <= earlierShare) {
    return {
      trend: 'subsiding',
      words: `subsiding: ${pct(recentShare)}% in the last 10 min, ${pct(earlierShare)}% before`,
      ...base,
      ...at,
    };
  }
  return {
    trend: 'ongoing',
    words: `ongoing since about ${hhmm(firstAt!)}: ${pct(recentShare)}% in the last 10 min`,
    ...base,
    ...at,
  };
}
