// Small pure helpers the correlation rules share: what the edge showed, finding lookups, and
// annotations that say how one finding explains another (or why the evidence is ambiguous).
import type { FindingCode } from '../codes.js';
import { type Finding, type FindingOf, hasCode, type Severity } from '../finding.js';
import type { CorrelationInput } from './rule.js';

/** Status and Cloudflare error code the edge showed (e.g. {530, 1033}); empty when unknown. */
export function edgeCodes(input: CorrelationInput): Set<number> {
  const edge = input.facts.edge;
  const codes = new Set<number>();
  if (!edge) return codes;
  if (edge.status !== undefined) codes.add(edge.status);
  if (edge.cloudflareErrorCode !== undefined) codes.add(edge.cloudflareErrorCode);
  return codes;
}

export function edgeShows(input: CorrelationInput, ...wanted: number[]): boolean {
  const codes = edgeCodes(input);
  return wanted.some((c) => codes.has(c));
}

/** The edge answered without an error (2xx–4xx, not a Cloudflare error page). */
export function edgeLooksFine(input: CorrelationInput): boolean {
  const edge = input.facts.edge;
  return edge?.status !== undefined && edge.status < 500 && edge.cloudflareErrorCode === undefined;
}

export function edgeLabel(input: CorrelationInput): string {
  const edge = input.facts.edge;
  if (!edge || edge.status === undefined) return 'no edge answer';
  const code = edge.cloudflareErrorCode;
  return code !== undefined && code !== edge.status
    ? `HTTP ${edge.status} (error ${code})`
    : `HTTP ${edge.status}`;
}

/** The first warn or error finding with this code, its evidence typed. */
export function findProblem<C extends FindingCode>(
  findings: readonly Finding[],
  code: C,
): FindingOf<C> | undefined {
  return findings.find(
    (f): f is FindingOf<C> => hasCode(f, code) && (f.severity === 'error' || f.severity === 'warn'),
  );
}

/** The first finding with this code, its evidence typed. */
export function findCode<C extends FindingCode>(
  findings: readonly Finding[],
  code: C,
): FindingOf<C> | undefined {
  return findings.find((f): f is FindingOf<C> => hasCode(f, code));
}

export function has(findings: readonly Finding[], code: FindingCode): boolean {
  return findings.some((f) => f.code === code);
}

/** Appends a sentence to the detail of every finding with this code (no duplicates). */
export function annotate(findings: Finding[], code: FindingCode, note: string): Finding[] {
  return findings.map((f) =>
    f.code === code && !f.detail.includes(note) ? { ...f, detail: `${f.detail} ${note}` } : f,
  );
}

export function regrade(findings: Finding[], code: FindingCode, severity: Severity): Finding[] {
  return findings.map((f) => (f.code === code ? { ...f, severity } : f));
}
