// How origin samples are counted, described and named by failure mode (findings.ts words them):
// fresh vs reused counts, the dominant failure mode, and the edge code each mode would show as.
import type { OriginObservation } from '../../ports.js';
import type { OriginSample } from '../../sampling-facts.js';
import type { Count, SampleEvidence } from './evidence.js';

export function countOf(samples: OriginSample[], kind: OriginSample['kind']): Count {
  const mine = samples.filter((s) => s.kind === kind);
  return { total: mine.length, failed: mine.filter((s) => !s.ok).length };
}

export function describeCounts(fresh: Count, reused: Count): string {
  const parts = [`${fresh.total} on fresh connections`];
  if (reused.total > 0) parts.push(`${reused.total} on one kept-alive connection`);
  return parts.join(' and ');
}

export function evidenceOf(s: OriginSample): SampleEvidence {
  return {
    kind: s.kind,
    atMs: s.atMs,
    outcome: s.ok ? 'ok' : modeKey(s),
    status: s.status ?? null,
    ttfbMs: s.ttfbMs ?? null,
    error: s.errorCode ? `${s.errorCode}${s.error ? `: ${s.error}` : ''}` : null,
  };
}

/** `http_5xx` for an answered 5xx, else the outcome. */
export function modeKey(s: OriginSample): string {
  return s.outcome === 'response' ? 'http_5xx' : s.outcome;
}

export function modeKeyOf(o: OriginObservation): string | undefined {
  if (o.outcome !== 'response') return o.outcome;
  if (o.http?.bodyError) return 'reset';
  return (o.http?.status ?? 0) >= 500 ? 'http_5xx' : undefined;
}

export function dominantMode(failed: OriginSample[]): string {
  const counts = new Map<string, number>();
  for (const s of failed) counts.set(modeKey(s), (counts.get(modeKey(s)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

const MODE_LABEL: Record<string, string> = {
  http_5xx: 'the origin answered 5xx',
  refused: 'connection refused',
  connect_timeout: 'TCP connect timed out',
  unreachable: 'unreachable',
  reset: 'connection reset or closed without an answer',
  tls_failed: 'TLS handshake failed',
  invalid_response: 'not a valid HTTP response',
  response_timeout: 'no response within the budget',
};

export function modeLabel(s: OriginSample): string {
  const key = modeKey(s);
  const base = key === 'http_5xx' ? `HTTP ${s.status}` : (MODE_LABEL[key] ?? key);
  return s.errorCode && key !== 'http_5xx' ? `${base}, ${s.errorCode}` : base;
}

const EDGE_CODE: Record<string, string> = {
  http_5xx: '5xx page',
  refused: '521',
  connect_timeout: '522',
  unreachable: '523',
  reset: '502/520',
  tls_failed: '525',
  invalid_response: '502/520',
  response_timeout: '524',
};

export function edgeCodeFor(mode: string): string {
  return EDGE_CODE[mode] ?? '5xx';
}
