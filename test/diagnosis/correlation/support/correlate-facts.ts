// The set-up of the rules*.test.ts files: constructed facts and findings for shop.example.com, and
// `run`, correlate() over them as the engine calls it.

import type { FindingCode } from '../../../../src/diagnosis/codes.js';
import { correlate } from '../../../../src/diagnosis/correlate.js';
import type { CorrelationInput } from '../../../../src/diagnosis/correlation/rule.js';
import type { CloudflareFacts, EdgeFacts, Facts } from '../../../../src/diagnosis/facts.js';
import type { Finding, Severity } from '../../../../src/diagnosis/finding.js';
import type { OriginObservation } from '../../../../src/diagnosis/ports.js';
import { parseSite } from '../../../../src/diagnosis/target.js';
import { reported } from '../../../support/findings.js';
import { edgeFacts, originObservation } from '../../../support/observations.js';

const parsed = parseSite('shop.example.com');
if (!parsed.ok) throw new Error('bad target');
const target = parsed.target;

export function f(
  code: FindingCode,
  severity: Severity = 'error',
  evidence: Record<string, unknown> = {},
): Finding {
  return reported({ code, severity, title: code, detail: `${code}.`, evidence });
}

export const edge = (status: number, code?: number, extra: Partial<EdgeFacts> = {}) =>
  edgeFacts(status, code, { observation: { url: 'https://shop.example.com/', totalMs: 10 }, ...extra });
export const obs = (
  outcome: OriginObservation['outcome'],
  port: number,
  tls: boolean,
  http?: { status: number; headers?: Record<string, string> },
) => originObservation(outcome, { port, tls, address: '192.0.2.10', host: 'shop.example.com' }, http);

export function run(facts: Partial<Facts>, findings: Finding[]) {
  const input: CorrelationInput = { target, facts, findings, checks: [] };
  return correlate(input);
}

export const cf = (extra: Partial<CloudflareFacts> = {}): CloudflareFacts => ({
  origins: [{ address: '192.0.2.10', source: 'dns' }],
  ...extra,
});
