// How the failures of a sampled origin are spread, which points at different causes: only on the
// reused (kept-alive) connection — a server or proxy that breaks reused connections, exactly what
// Cloudflare meets since it reuses them; only on fresh connections — accept queue, connection limits,
// a firewall or rate limit on new connections; in one burst — a restart, a deploy, a saturated
// upstream; scattered — one bad worker or backend among several.
import type { OriginSample } from '../../sampling-facts.js';

export type FailurePattern = 'reused_only' | 'fresh_only' | 'burst' | 'scattered';

export interface PatternOf {
  pattern: FailurePattern;
  /** Words for the title and detail. */
  words: string;
}

export function failurePattern(samples: readonly OriginSample[]): PatternOf {
  const failed = samples.filter((s) => !s.ok);
  const fresh = samples.filter((s) => s.kind === 'fresh');
  const reused = samples.filter((s) => s.kind === 'reused');
  if (reused.length > 0 && failed.every((s) => s.kind === 'reused') && fresh.every((s) => s.ok)) {
    return {
      pattern: 'reused_only',
      words: 'only on the reused keep-alive connection (every fresh connection was answered)',
    };
  }
  if (reused.length > 1 && failed.every((s) => s.kind === 'fresh') && reused.every((s) => s.ok)) {
    return {
      pattern: 'fresh_only',
      words: 'only on fresh connections (every request on the kept-alive connection was answered)',
    };
  }
  // In time order, the fresh samples' failures form one run of two or more with answers around it.
  const ordered = [...fresh].sort((a, b) => a.atMs - b.atMs);
  const first = ordered.findIndex((s) => !s.ok);
  const last = ordered.findLastIndex((s) => !s.ok);
  const run = ordered.slice(first, last + 1);
  if (first >= 0 && run.length >= 2 && run.every((s) => !s.ok) && run.length < ordered.length) {
    return {
      pattern: 'burst',
      words: `in one burst: every request from +${run[0]!.atMs} ms to +${run.at(-1)!.atMs} ms failed, those before and after were answered`,
    };
  }
  return { pattern: 'scattered', words: 'scattered among answered requests' };
}
