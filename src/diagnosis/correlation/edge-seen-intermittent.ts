// The edge's gateway errors are intermittent while the origin, asked directly, answers every time:
// Cloudflare reaches the same origin and sometimes gets no valid answer. That is the origin failing
// intermittently as Cloudflare meets it — through reused keep-alive connections, from Cloudflare's
// addresses, on whichever backend answers — so the origin is named, with the edge's code as the
// failure mode, rather than blaming the edge. Only when the edge's failures all point at the origin
// leg (a 5xx page, not a network error on our side) and the direct samples are many and all answered.
// The mirror case: every direct sample failed (they all fell into one bad moment) while some of the
// edge's requests, sent over the same second, got through to the origin: intermittent too.
import { evidenceOf } from '../checks/origin-samples/sample-modes.js';
import { anyEvidence, withMarks } from '../evidence.js';
import { finding } from '../finding.js';
import type { EdgeSample } from '../sampling-facts.js';
import type { CorrelationInput, RuleEffect } from './rule.js';

const MEANING: Record<number, string> = {
  502: 'Cloudflare got an invalid answer, or the origin sent its own 502',
  504: 'the origin or a proxy in front of it timed out',
  520: 'the origin reset or closed the connection, or sent an empty or invalid answer',
  521: 'the origin refused the connection',
  522: 'the TCP connection to the origin timed out',
  523: 'the origin was unreachable',
  524: 'the origin accepted the request but sent no response within the proxy read timeout',
  525: 'the TLS handshake with the origin failed',
  526: "the origin's certificate was rejected",
};

/** One request through Cloudflare as origin.intermittent's evidence lists it. */
function edgeSampleEvidence(s: EdgeSample) {
  return {
    atMs: s.atMs,
    status: s.status ?? null,
    cloudflareErrorCode: s.cloudflareErrorCode ?? null,
    colo: s.colo ?? null,
    rayId: s.rayId ?? null,
  };
}

/** An edge sample that is a 5xx about the origin leg: a plain 5xx, or Cloudflare's 5xx page. */
function originLeg(s: EdgeSample): boolean {
  if (s.ok || s.status === undefined || s.status < 500 || s.status > 599) return false;
  const code = s.cloudflareErrorCode;
  return code === undefined || (code >= 500 && code <= 599);
}

/** The edge's samples: some failed, all of those about the origin leg, and some answered. */
function mixedEdge(input: CorrelationInput): { edge: EdgeSample[]; failed: EdgeSample[] } | undefined {
  const edge = input.facts.edgeSamples?.samples ?? [];
  const failed = edge.filter((s) => !s.ok);
  if (failed.length === 0 || failed.length === edge.length || !failed.every(originLeg)) return undefined;
  return { edge, failed };
}

export function edgeSeenIntermittent(input: CorrelationInput): RuleEffect | undefined {
  const mixed = mixedEdge(input);
  if (!mixed) return undefined;
  const { edge, failed } = mixed;
  const direct = input.facts.originSamples?.samples ?? [];
  const observations = input.facts.origin?.observations ?? [];
  const answered = (o: (typeof observations)[number]) =>
    o.outcome === 'response' && (o.http?.status ?? 0) < 500;
  if (direct.length < 2 || direct.some((s) => !s.ok) || !observations.every(answered)) return undefined;

  const tally = new Map<number, number>();
  for (const s of failed) tally.set(s.status!, (tally.get(s.status!) ?? 0) + 1);
  const [[main]] = [...tally.entries()].sort((a, b) => b[1] - a[1]) as [[number, number]];
  const answers = [...tally.entries()]
    .map(([status, n]) => `${status}${tally.size > 1 ? ` (${n})` : ''}`)
    .join(' or ');
  const endpoints = [...new Set(direct.map((s) => s.endpoint))].join(', ');
  const origins = input.facts.cloudflare?.origins ?? [];
  const others =
    origins.length > 1
      ? ` Only ${endpoints} was sampled, one of ${origins.length} origins: the failing requests may have reached another one.`
      : '';
  const keepAlive = input.findings.some(
    (f) => f.code.startsWith('origin.keepalive_') && (f.severity === 'warn' || f.severity === 'error'),
  )
    ? ' The keep-alive finding below is a likely reason.'
    : '';
  const added = finding({
    code: 'origin.intermittent',
    severity: 'error',
    title: `The origin fails intermittently as Cloudflare reaches it: ${failed.length} of ${edge.length} edge requests answered ${answers}`,
    detail: `Through Cloudflare, ${failed.length} of ${edge.length} requests over about a second got ${answers} (${MEANING[main] ?? 'a gateway error about the origin'}), while all ${direct.length} requests sent straight to ${endpoints} were answered. Cloudflare meets the origin differently from a direct probe: it reuses kept-alive connections, connects from Cloudflare's addresses (a firewall or rate limit may treat them apart), and lands on whichever backend answers.${keepAlive}${others}`,
    evidence: {
      seenFrom: 'edge',
      failureMode: `edge_${main}`,
      failureCode: null,
      total: edge.length,
      failed: failed.length,
      failureRatePercent: Math.round((failed.length / edge.length) * 100),
      edgeAnswers: Object.fromEntries(tally),
      directSamples: direct.length,
      endpoint: endpoints,
      samples: edge.map(edgeSampleEvidence),
    },
  });
  return { findings: [...input.findings, added], cause: 'origin.intermittent' };
}

/**
 * Every direct sample failed alike, yet some of the edge's requests over the same second were
 * answered by the origin: the direct samples met one bad moment (a burst), not an outage.
 */
export function directBurstEdgeMixed(input: CorrelationInput): RuleEffect | undefined {
  const mixed = mixedEdge(input);
  const direct = input.facts.originSamples?.samples ?? [];
  if (!mixed || direct.length < 2 || direct.some((s) => s.ok)) return undefined;
  const endpoints = new Set(direct.map((s) => s.endpoint));
  const failure = input.findings.find(
    (f) =>
      f.severity === 'error' &&
      f.code.startsWith('origin.') &&
      f.code !== 'origin.intermittent' &&
      [...endpoints].some((e) => e.startsWith(`${String(anyEvidence(f).endpoint)} `)),
  );
  if (!failure) return undefined;
  const { edge, failed } = mixed;
  const answered = edge.length - failed.length;
  const times = direct.map((s) => s.atMs);
  const window = `+${Math.min(...times)} to +${Math.max(...times)} ms`;
  const total = direct.length + edge.length;
  const lost = direct.length + failed.length;
  const added = finding({
    code: 'origin.intermittent',
    severity: 'error',
    title: `The origin fails intermittently, in bursts: all ${direct.length} direct requests (${window}) failed, ${answered} of ${edge.length} through Cloudflare were answered`,
    detail: `All ${direct.length} requests sent straight to ${[...endpoints].join(', ')} failed the same way, yet over the same second ${answered} of ${edge.length} requests through Cloudflare got an answer from the origin: the failures come and go (${lost} of ${total} requests failed in all), and the direct samples fell into a bad moment. Visitors see errors in bursts.`,
    evidence: {
      seenFrom: 'both',
      failureCode: failure.code,
      total,
      failed: lost,
      failureRatePercent: Math.round((lost / total) * 100),
      pattern: 'burst',
      endpoint: [...endpoints].join(', '),
      edgeAnswered: answered,
      edgeTotal: edge.length,
      directSamples: direct.length,
      // Every sample, as product.md promises: the direct ones all failed, the edge's were mixed.
      samples: direct.map(evidenceOf),
      edgeSamples: edge.map(edgeSampleEvidence),
    },
  });
  const findings = input.findings.map((f) =>
    f.code === failure.code && f.severity === 'error' && anyEvidence(f).intermittent !== true
      ? {
          ...f,
          title: `Intermittent: ${f.title.charAt(0).toLowerCase()}${f.title.slice(1)} (${lost} of ${total} requests)`,
          evidence: withMarks(f, { intermittent: true }),
        }
      : f,
  );
  return { findings: [...findings, added], cause: failure.code };
}
