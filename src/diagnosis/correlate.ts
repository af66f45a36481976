// Turns the checks' findings into one story: rules may add derived findings, adjust severities in
// light of other evidence, and name the root cause; otherwise the earliest error in the causal
// chain (CAUSE_ORDER) is the primary cause.
import type { FindingCode } from './codes.js';
import { CAUSE_ORDER } from './correlation/cause-order.js';
import { nameSuspect } from './correlation/change-suspect.js';
import { alignEdgeFindings } from './correlation/edge-agreement.js';
import type { CorrelationInput, Rule } from './correlation/rule.js';
import { RULES } from './correlation/rules.js';
import type { Finding, Severity } from './finding.js';

export function correlate(
  input: CorrelationInput,
  rules: readonly Rule[] = RULES,
  now: Date = new Date(),
): { findings: Finding[]; primaryCause: FindingCode | null } {
  let current = input;
  let cause: FindingCode | undefined;
  for (const rule of rules) {
    const effect = rule.apply(current);
    if (!effect) continue;
    if (effect.findings) current = { ...current, findings: effect.findings };
    if (effect.cause && cause === undefined) cause = effect.cause;
  }
  const findings = current.findings;
  const primaryCause =
    cause !== undefined && findings.some((f) => f.code === cause && isProblem(f.severity))
      ? cause
      : firstInCausalOrder(findings);
  // The edge finding agrees with the cause it is explained by (no contradictory steps).
  const aligned = alignEdgeFindings(findings, primaryCause);
  // Once the cause is known: did a recent change trigger it? (placed right after the cause)
  return { findings: nameSuspect({ ...current, findings: aligned }, primaryCause, now), primaryCause };
}

function firstInCausalOrder(findings: readonly Finding[]): FindingCode | null {
  for (const severity of ['error', 'warn'] as const) {
    const codes = findings.filter((f) => f.severity === severity).map((f) => f.code);
    if (codes.length === 0) continue;
    return [...codes].sort((a, b) => orderOf(a) - orderOf(b))[0] ?? null;
  }
  return null;
}

function orderOf(code: FindingCode): number {
  const index = CAUSE_ORDER.indexOf(code);
  return index === -1 ? CAUSE_ORDER.length : index;
}

function isProblem(severity: Severity): boolean {
  return severity === 'error' || severity === 'warn';
}
