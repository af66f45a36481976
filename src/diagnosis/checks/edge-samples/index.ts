// The edge, sampled: the same request a visitor makes, several times over about a second, so that
// "3 of 5 edge requests answered 502" is evidence rather than luck. Runs from the start, alongside
// the single edge probe; each answer is classified like the edge check's (status, Cloudflare error
// code, Ray ID, colo). A request that never got an answer counts as failed.
import type { Check } from '../../check.js';
import { deadline } from '../../deadline.js';
import { type Finding, finding } from '../../finding.js';
import type { EdgeObservation } from '../../ports.js';
import type { EdgeSample, EdgeSamplesFacts } from '../../sampling-facts.js';
import { classifyEdgePage } from '../edge/edge-page.js';
import { pause, sampleCount, sampleOffsets, spread, spreadOf } from '../origin-samples/schedule.js';

export const edgeSamplesCheck: Check<'edgeSamples'> = {
  name: 'edgeSamples',
  budgetMs: (opts) => opts.timeoutMs + spreadOf(opts.timeoutMs) + 1500,
  async run({ target, ports, signal, options }) {
    const n = sampleCount(options.samples);
    if (n <= 1) return { status: 'skipped', findings: [] };
    const started = performance.now();
    const samples = await Promise.all(
      sampleOffsets(n, options.timeoutMs).map(async (offset) => {
        await pause(offset, signal);
        const atMs = Math.round(performance.now() - started);
        const probeDeadline = deadline(signal, options.timeoutMs);
        const seen = await ports.edge.probe(target.url, probeDeadline.signal).finally(probeDeadline.done);
        return sampleOf(atMs, seen);
      }),
    );
    const facts: EdgeSamplesFacts = { samples, failed: samples.filter((s) => !s.ok).length };
    // Guarded or unresolvable: the edge check and public DNS say so; nothing was sampled.
    if (samples.every((s) => s.errorCode === 'EGUARDED' || isResolution(s.errorCode)))
      return { status: 'skipped', findings: [], facts };
    const result = judge(samples, target.url, options.timeoutMs);
    return { status: result.severity === 'error' ? 'failed' : 'passed', findings: [result], facts };
  },
};

function sampleOf(atMs: number, seen: EdgeObservation): EdgeSample {
  const response = seen.response;
  if (!response) return { atMs, ok: false, errorCode: seen.error?.code ?? 'EEDGE' };
  const page = classifyEdgePage(response);
  const code = page.cloudflareErrorCode;
  const gateway = code !== undefined && ((code >= 500 && code < 600) || code === 1016 || code === 1033);
  const sample: EdgeSample = { atMs, ok: response.status < 500 && !gateway, status: response.status };
  if (code !== undefined) sample.cloudflareErrorCode = code;
  if (page.rayId) sample.rayId = page.rayId;
  if (page.colo) sample.colo = page.colo;
  sample.ttfbMs = response.ttfbMs;
  return sample;
}

function judge(samples: EdgeSample[], url: string, budgetMs: number): Finding {
  const failed = samples.filter((s) => !s.ok);
  const n = samples.length;
  const ttfb = spread(samples.filter((s) => s.ttfbMs !== undefined).map((s) => s.ttfbMs!));
  const evidence = {
    url,
    total: n,
    failed: failed.length,
    failureRatePercent: Math.round((failed.length / n) * 100),
    answers: tally(samples),
    colos: [...new Set(samples.flatMap((s) => (s.colo ? [s.colo] : [])))],
    samples: samples.map((s) => ({
      atMs: s.atMs,
      status: s.status ?? null,
      cloudflareErrorCode: s.cloudflareErrorCode ?? null,
      rayId: s.rayId ?? null,
      colo: s.colo ?? null,
      ttfbMs: s.ttfbMs ?? null,
      error: s.errorCode ?? null,
    })),
    ttfbMs: ttfb ?? null,
  };
  const summary = describe(samples);
  // Only timeouts, while the answers took over half the budget: the slow tail, not a separate failure.
  const slowTail =
    ttfb !== undefined && ttfb.max >= budgetMs / 2 && failed.every((s) => s.errorCode === 'ETIMEDOUT');
  if (failed.length > 0 && failed.length < n && slowTail) {
    return finding({
      code: 'edge.sampled',
      severity: 'info',
      title: `${failed.length} of ${n} edge requests ran out of the ${Math.round(budgetMs / 1000)} s budget; the others were slow too`,
      detail: `${summary}; the answers took up to ${ttfb.max} ms, over half the probe budget. Raise --timeout to see the slow ones finish.`,
      evidence,
    });
  }
  if (failed.length > 0 && failed.length < n) {
    return finding({
      code: 'edge.intermittent',
      severity: 'error',
      title: `${failed.length} of ${n} edge requests ${describe(failed, true)}`,
      detail: `Of ${n} requests to ${url} through Cloudflare over about a second: ${summary}. Visitors get an error on some requests and not others.`,
      evidence,
    });
  }
  if (failed.length === n) {
    return finding({
      code: 'edge.sampled',
      severity: 'info',
      title: `${n} of ${n} edge requests ${describe(failed, true)}: consistent`,
      detail: `Every request to ${url} failed alike (${summary}); the edge finding above says what the page means.`,
      evidence,
    });
  }
  return finding({
    code: 'edge.sampled',
    severity: 'ok',
    title: `${n} of ${n} edge requests answered without a gateway error`,
    detail: `${summary}${ttfb ? `; time to first byte min ${ttfb.min} ms, median ${ttfb.median} ms, max ${ttfb.max} ms` : ''}.`,
    evidence,
  });
}

function label(s: EdgeSample): string {
  if (s.status === undefined) return `no answer (${s.errorCode ?? 'error'})`;
  return s.cloudflareErrorCode !== undefined && s.cloudflareErrorCode !== s.status
    ? `${s.status} (error ${s.cloudflareErrorCode})`
    : String(s.status);
}

function tally(samples: EdgeSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) out[label(s)] = (out[label(s)] ?? 0) + 1;
  return out;
}

/** "answered 502" / "answered 502 (2) or got no answer (1)"; or a full tally with counts. */
function describe(samples: EdgeSample[], verb = false): string {
  const entries = Object.entries(tally(samples)).sort((a, b) => b[1] - a[1]);
  const phrase = ([what, count]: [string, number]) => {
    const text = what.startsWith('no answer') ? `got ${what}` : `answered ${what}`;
    return verb ? (entries.length > 1 ? `${text} (${count})` : text) : `${count} ${text}`;
  };
  return entries.map(phrase).join(verb ? ' or ' : ', ');
}

const RESOLUTION = new Set([
  'ENOTFOUND',
  'ENODATA',
  'ESERVFAIL',
  'ETIMEOUT',
  'EREFUSED',
  'EINVALIDADDRESS',
  'EINVALIDURL',
]);
function isResolution(code: string | undefined): boolean {
  return code !== undefined && RESOLUTION.has(code);
}
