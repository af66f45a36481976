// Intermittent failures: the failure mode the samples saw is the primary cause, its title already
// qualified "Intermittent" by the sampling check. Also catches the reverse glance: the single origin
// probe failed while every sample to the same endpoint answered — one failure in N+1 is intermittent
// too, not an outage; and the edge's gateway errors coming and going while the origin, asked
// directly, always answers (edge-seen-intermittent.ts). Edge errors sampled alongside are explained by it.

import { endpointLabel } from '../checks/origin-samples/endpoints.js';
import { anyEvidence, withMarks } from '../evidence.js';
import { type Finding, finding } from '../finding.js';
import type { OriginObservation } from '../ports.js';
import { directBurstEdgeMixed, edgeSeenIntermittent } from './edge-seen-intermittent.js';
import { annotate, findProblem } from './evidence.js';
import type { CorrelationInput, Rule, RuleEffect } from './rule.js';

const EDGE_NOTE = 'Explained by the origin failing intermittently (see origin.intermittent).';

export const intermittentRule: Rule = {
  name: 'intermittent-failure-mode',
  apply(input) {
    const effect =
      sampledIntermittent(input) ??
      probeOnlyFailure(input) ??
      edgeSeenIntermittent(input) ??
      directBurstEdgeMixed(input);
    if (!effect) return withoutOtherErrors(input, edgeOnly(input));
    let findings = effect.findings ?? input.findings;
    findings = annotate(findings, 'edge.intermittent', EDGE_NOTE);
    findings = annotate(findings, 'edge.error', EDGE_NOTE);
    return withoutOtherErrors(input, { ...effect, findings });
  },
};

function sampledIntermittent(input: CorrelationInput): RuleEffect | undefined {
  const intermittent = findProblem(input.findings, 'origin.intermittent');
  if (!intermittent) return undefined;
  const code = intermittent.evidence.failureCode;
  if (!code) return { cause: 'origin.intermittent' };
  // The single-probe origin check may have met the same failure: it is the same story, not an outage.
  const findings = input.findings.map((f) =>
    f.code === code && anyEvidence(f).intermittent !== true && !f.detail.includes('intermittent')
      ? {
          ...f,
          detail: `${f.detail} Other requests to the origin are answered: this failure is intermittent (see origin.intermittent).`,
        }
      : f,
  );
  return { findings, cause: code };
}

function probeOnlyFailure(input: CorrelationInput): RuleEffect | undefined {
  const samples = input.facts.originSamples?.samples ?? [];
  for (const o of input.facts.origin?.observations ?? []) {
    if (answered(o) || o.outcome === 'guarded' || o.outcome === 'resolve_failed') continue;
    const label = endpointLabel(o.request, o.resolvedAddress);
    const mine = samples.filter((s) => s.endpoint === label);
    if (mine.length < 2 || mine.some((s) => !s.ok)) continue;
    const endpoint = `${o.resolvedAddress ?? o.request.address}:${o.request.port}`;
    const failure = input.findings.find(
      (f) => f.severity === 'error' && f.code.startsWith('origin.') && anyEvidence(f).endpoint === endpoint,
    );
    if (!failure) continue;
    const total = mine.length + 1;
    const added = finding({
      code: 'origin.intermittent',
      severity: 'error',
      title: `The origin fails intermittently: 1 of ${total} requests failed (${failure.title.toLowerCase()})`,
      detail: `The origin check's request to ${label} failed (${o.error?.code ?? o.outcome}), while all ${mine.length} sampled requests to it over about a second were answered. Visitors see an occasional error from Cloudflare; a single check may look either way.`,
      evidence: {
        endpoint: label,
        total,
        failed: 1,
        failureRatePercent: Math.round(100 / total),
        failureCode: failure.code,
        samples: [
          {
            kind: 'fresh',
            atMs: 0,
            outcome: o.outcome,
            status: o.http?.status ?? null,
            error: o.error?.code ?? null,
          },
          ...mine.map((s) => ({
            kind: s.kind,
            atMs: s.atMs,
            outcome: 'ok',
            status: s.status ?? null,
            error: null,
          })),
        ],
      },
    });
    const findings: Finding[] = input.findings.map((f) =>
      f === failure
        ? {
            ...f,
            title: `Intermittent: ${f.title.charAt(0).toLowerCase()}${f.title.slice(1)} (1 of ${total} requests)`,
            evidence: withMarks(f, { intermittent: true, failedSamples: 1, totalSamples: total }),
          }
        : f,
    );
    return { findings: [...findings, added], cause: failure.code };
  }
  return undefined;
}

/**
 * Only the edge samples are mixed and the origin, probed directly, looks fine: the edge's own error
 * is the failure mode (its title qualified), or the sampled finding itself when the single edge
 * probe happened to be answered.
 */
function edgeOnly(input: CorrelationInput): RuleEffect | undefined {
  const sampled = findProblem(input.findings, 'edge.intermittent');
  if (!sampled) return undefined;
  const single = findProblem(input.findings, 'edge.error');
  if (!single) return { cause: 'edge.intermittent' };
  const rate = `${sampled.evidence.failed} of ${sampled.evidence.total} requests`;
  const findings = input.findings.map((f) =>
    f === single
      ? {
          ...f,
          title: `Intermittent: ${f.title.charAt(0).toLowerCase()}${f.title.slice(1)} (${rate})`,
          evidence: withMarks(f, { intermittent: true }),
        }
      : f,
  );
  return { findings, cause: 'edge.error' };
}

/**
 * An intermittent failure explains the edge's errors, not a steady one found beside it (an expired
 * certificate under Full (strict) fails every request): then the causal order decides.
 */
function withoutOtherErrors(input: CorrelationInput, effect: RuleEffect | undefined): RuleEffect | undefined {
  if (!effect?.cause) return effect;
  const explained = new Set<string>([effect.cause, 'origin.intermittent', 'edge.intermittent', 'edge.error']);
  const steady = (effect.findings ?? input.findings).some(
    (f) => f.severity === 'error' && !explained.has(f.code) && anyEvidence(f).intermittent !== true,
  );
  if (!steady) return effect;
  const { cause: _cause, ...rest } = effect;
  return rest;
}

function answered(o: OriginObservation): boolean {
  return o.outcome === 'response' && (o.http?.status ?? 0) < 500 && !o.http?.bodyError;
}
