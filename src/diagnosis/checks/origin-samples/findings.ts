// Judges the origin samples: all answered (ok, with the time to first byte), all failed alike (the
// single-probe check already says how: consistent, not intermittent), or some failed while others
// answered — `origin.intermittent`, with every sample in evidence, and the failure mode itself
// reported as the finding it would be, its title qualified "Intermittent".
import { withMarks } from '../../evidence.js';
import type { SslMode } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import type { KeepAliveObservation, OriginObservation, OriginProbeRequest } from '../../ports.js';
import type { OriginSample, OriginSamplesFacts } from '../../sampling-facts.js';
import { demandsClientCert, observationFindings } from '../origin/findings.js';
import { endpointLabel } from './endpoints.js';
import type { SampledEvidence } from './evidence.js';
import { failurePattern } from './pattern.js';
import {
  countOf,
  describeCounts,
  dominantMode,
  edgeCodeFor,
  evidenceOf,
  modeKey,
  modeKeyOf,
  modeLabel,
} from './sample-modes.js';
import { type Spread, spread } from './schedule.js';

export interface EndpointSamples {
  request: OriginProbeRequest;
  fresh: { atMs: number; observation: OriginObservation }[];
  reused?: KeepAliveObservation;
}

export interface JudgeContext {
  mode: SslMode | undefined;
  budgetMs: number;
  now: Date;
  /** The zone's Proxy Read Timeout, seconds: Cloudflare shows 524 when the origin takes longer. */
  proxyReadTimeoutS: number;
}

/** A time to first byte above this share of the proxy read timeout is a 524 waiting to happen. */
const SLOW_SHARE = 0.5;

export function judgeSamples(
  endpoints: readonly EndpointSamples[],
  context: JudgeContext,
): { findings: Finding[]; facts: OriginSamplesFacts } {
  const all: OriginSample[] = [];
  const findings: Finding[] = [];
  for (const endpoint of endpoints) {
    const samples = samplesOf(endpoint);
    all.push(...samples);
    // A guarded or unresolvable address, or an origin demanding a client certificate, answers the same
    // every time: the origin check reports it, and there is nothing to sample.
    if (endpoint.fresh.some(({ observation: o }) => unsampleable(o))) continue;
    findings.push(...judgeEndpoint(endpoint, samples, context));
  }
  return { findings, facts: { samples: all, failed: all.filter((s) => !s.ok).length } };
}

function unsampleable(o: OriginObservation): boolean {
  return o.outcome === 'guarded' || o.outcome === 'resolve_failed' || demandsClientCert(o);
}

function samplesOf(endpoint: EndpointSamples): OriginSample[] {
  const first = endpoint.fresh[0]?.observation;
  const label = endpointLabel(endpoint.request, first?.resolvedAddress);
  const fresh = endpoint.fresh.map(({ atMs, observation: o }): OriginSample => {
    // A body that broke off after the headers failed like a reset, whatever its status said.
    const broken = o.http?.bodyError;
    const sample: OriginSample = {
      kind: 'fresh',
      endpoint: label,
      atMs,
      outcome: broken ? 'reset' : o.outcome,
      ok: o.outcome === 'response' && (o.http?.status ?? 0) < 500 && !broken,
    };
    if (o.http) sample.status = o.http.status;
    const ttfb = o.http?.ttfbMs ?? o.timings.ttfbMs;
    if (ttfb !== undefined) sample.ttfbMs = ttfb;
    const error = broken ?? o.error;
    if (error) Object.assign(sample, { errorCode: error.code, error: error.message.slice(0, 200) });
    return sample;
  });
  const kept = endpoint.reused;
  if (!kept || kept.setupFailure) return fresh;
  const reused = kept.exchanges.map((x): OriginSample => {
    const sample: OriginSample = {
      kind: 'reused',
      endpoint: label,
      atMs: x.atMs,
      outcome: x.outcome,
      ok: x.outcome === 'response' && (x.status ?? 0) < 500,
    };
    if (x.status !== undefined) sample.status = x.status;
    if (x.ttfbMs !== undefined) sample.ttfbMs = x.ttfbMs;
    if (x.error) Object.assign(sample, { errorCode: x.error.code, error: x.error.message.slice(0, 200) });
    return sample;
  });
  return [...fresh, ...reused];
}

function judgeEndpoint(endpoint: EndpointSamples, samples: OriginSample[], context: JudgeContext): Finding[] {
  const failed = samples.filter((s) => !s.ok);
  const ttfb = spread(samples.filter((s) => s.ok && s.ttfbMs !== undefined).map((s) => s.ttfbMs!));
  const label = samples[0]?.endpoint ?? endpointLabel(endpoint.request);
  const evidence: SampledEvidence = {
    endpoint: label,
    samples: samples.map(evidenceOf),
    total: samples.length,
    failed: failed.length,
    failureRatePercent: Math.round((failed.length / Math.max(1, samples.length)) * 100),
    fresh: countOf(samples, 'fresh'),
    reused: countOf(samples, 'reused'),
    ttfbMs: ttfb ?? null,
  };
  const out: Finding[] = [];
  if (failed.length > 0 && failed.length < samples.length && slowTail(failed, ttfb, context.budgetMs)) {
    out.push(
      finding({
        code: 'origin.sampled',
        severity: 'info',
        title: `${failed.length} of ${samples.length} origin samples ran out of the ${Math.round(context.budgetMs / 1000)} s budget; the others were slow too`,
        detail: `The answered samples to ${label} took up to ${ttfb!.max} ms (${ttfbText(ttfb!)}), over half the probe budget, so the ones without an answer are the slow tail of the same distribution rather than a separate failure. Raise --timeout to see them finish.`,
        evidence,
      }),
    );
  } else if (failed.length > 0 && failed.length < samples.length) {
    out.push(...intermittent(endpoint, samples, failed, evidence, context));
  } else if (failed.length === samples.length) {
    out.push(
      finding({
        code: 'origin.sampled',
        severity: 'info',
        title: `All ${samples.length} origin samples failed the same way: consistent, not intermittent`,
        detail: `Every request to ${label} failed (${modeLabel(failed[0]!)}); the origin check above says why.`,
        evidence,
      }),
    );
  } else {
    out.push(
      finding({
        code: 'origin.sampled',
        severity: 'ok',
        title: `${samples.length} of ${samples.length} origin samples answered`,
        detail: `${describeCounts(evidence.fresh, evidence.reused)} to ${label} all answered without error${ttfb ? `; time to first byte ${ttfbText(ttfb)}` : ''}.`,
        evidence,
      }),
    );
  }
  const slow = slowFinding(ttfb, label, evidence, context);
  if (slow) out.push(slow);
  return out;
}

function intermittent(
  endpoint: EndpointSamples,
  samples: OriginSample[],
  failed: OriginSample[],
  evidence: SampledEvidence,
  context: JudgeContext,
): Finding[] {
  const mode = dominantMode(failed);
  const modeSample = failed.find((s) => modeKey(s) === mode)!;
  const rate = `${failed.length} of ${samples.length}`;
  // The failure mode as the origin check would report it, from a real failing observation when a
  // fresh sample had one, else rebuilt from what the kept-alive connection saw.
  const observation =
    endpoint.fresh.find(({ observation: o }) => modeKeyOf(o) === mode)?.observation ??
    rebuild(endpoint, modeSample);
  const modeFinding = observationFindings(observation, context.mode, context.budgetMs, context.now).find(
    (f) => f.severity === 'error' || f.severity === 'warn',
  );
  const out: Finding[] = [];
  const detailTimes = failed.map((s) => `${s.kind} at +${s.atMs} ms: ${modeLabel(s)}`).join('; ');
  const spreadOf = failurePattern(samples);
  out.push(
    finding({
      code: 'origin.intermittent',
      severity: 'error',
      title: `The origin fails intermittently: ${rate} requests failed (${modeLabel(modeSample)})${spreadOf.pattern === 'scattered' ? '' : `, ${TITLE_PATTERN[spreadOf.pattern]}`}`,
      detail: `Of ${samples.length} requests to ${evidence.endpoint} spread over about a second, ${failed.length} failed while the others answered (${describeCounts(evidence.fresh, evidence.reused)}); they failed ${spreadOf.words}. Failed: ${detailTimes}. Visitors see an occasional ${edgeCodeFor(mode)} from Cloudflare, while a single check may look healthy.`,
      evidence: {
        ...evidence,
        failureCode: modeFinding?.code ?? null,
        failureMode: mode,
        pattern: spreadOf.pattern,
      },
    }),
  );
  if (modeFinding) {
    out.push({
      ...modeFinding,
      severity: 'error',
      title: `Intermittent: ${lowerFirst(modeFinding.title)} (${rate} samples)`,
      detail: `${modeFinding.detail} This happened to ${rate} requests; the others were answered.`,
      evidence: withMarks(modeFinding, {
        intermittent: true,
        failedSamples: failed.length,
        totalSamples: samples.length,
      }),
    });
  }
  return out;
}

function slowFinding(
  ttfb: Spread | undefined,
  label: string,
  evidence: SampledEvidence,
  context: JudgeContext,
): Finding | undefined {
  const limitMs = context.proxyReadTimeoutS * 1000;
  if (!ttfb || ttfb.max < limitMs * SLOW_SHARE) return undefined;
  return finding({
    code: 'origin.slow',
    severity: 'warn',
    title: `The origin takes up to ${(ttfb.max / 1000).toFixed(1)} s to answer; Cloudflare gives up at ${context.proxyReadTimeoutS} s`,
    detail: `Time to first byte from ${label}: ${ttfbText(ttfb)}. Cloudflare waits at most the zone's Proxy Read Timeout (${context.proxyReadTimeoutS} s) for the response headers and shows 524 after it; a slower moment than these samples will cross it.`,
    evidence: { ...evidence, proxyReadTimeoutS: context.proxyReadTimeoutS },
  });
}

const TITLE_PATTERN = {
  reused_only: 'only on a reused connection',
  fresh_only: 'only on fresh connections',
  burst: 'in a burst',
} as const;

const TIMEOUTS = new Set(['response_timeout', 'connect_timeout']);

/**
 * Failures that are only timeouts, while the answered samples already took over half the budget:
 * slowness running past our own budget (a busy origin, or a busy prober), not an intermittent failure.
 */
export function slowTail(
  failed: readonly OriginSample[],
  ttfb: Spread | undefined,
  budgetMs: number,
): boolean {
  return ttfb !== undefined && ttfb.max >= budgetMs / 2 && failed.every((s) => TIMEOUTS.has(s.outcome));
}

/** An observation carrying what the kept-alive connection saw, for the origin check's wording. */
function rebuild(endpoint: EndpointSamples, s: OriginSample): OriginObservation {
  const o: OriginObservation = {
    request: endpoint.request,
    outcome: s.outcome,
    timings: { totalMs: 0 },
  };
  const resolved = endpoint.reused?.resolvedAddress ?? endpoint.fresh[0]?.observation.resolvedAddress;
  if (resolved !== undefined) o.resolvedAddress = resolved;
  if (s.errorCode) o.error = { code: s.errorCode, message: s.error ?? s.errorCode };
  if (s.status !== undefined) {
    o.http = {
      status: s.status,
      statusText: '',
      httpVersion: '1.1',
      headers: {},
      headerBytes: 0,
      ttfbMs: s.ttfbMs ?? 0,
      bodySnippet: '',
    };
  }
  return o;
}

function ttfbText(t: Spread): string {
  return `min ${t.min} ms, median ${t.median} ms, max ${t.max} ms`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
