// The origin, sampled: the same request Cloudflare makes, several times, spread over about a second,
// on fresh connections and on one kept-alive connection (Cloudflare reuses its connections). One probe
// sees a healthy origin while one request in five fails; several samples see it, name the failure
// mode, and measure the time to first byte (min/median/max). Runs alongside the single-probe origin
// check (both start once the Cloudflare check has named the origin), never behind it.
import type { Check, CheckContext, CheckResult } from '../../check.js';
import { deadline } from '../../deadline.js';
import type { KeepAliveObservation, OriginObservation, OriginProbeRequest } from '../../ports.js';
import type { OriginSamplesFacts } from '../../sampling-facts.js';
import type { OriginPorts } from '../origin/plan.js';
import { sampledEndpoints } from './endpoints.js';
import { type EndpointSamples, judgeSamples } from './findings.js';
import { pause, sampleCount, sampleOffsets, spreadOf } from './schedule.js';

const MARGIN_MS = 1500;

export function createOriginSamplesCheck(
  options: { ports?: Partial<OriginPorts> } = {},
): Check<'originSamples'> {
  const ports: OriginPorts = { http: options.ports?.http ?? 80, https: options.ports?.https ?? 443 };
  return {
    name: 'originSamples',
    needs: ['cloudflare'],
    budgetMs: (opts) => opts.timeoutMs + spreadOf(opts.timeoutMs) + MARGIN_MS,
    run: (ctx) => runSamples(ctx, ports),
  };
}

export const originSamplesCheck: Check<'originSamples'> = createOriginSamplesCheck();

async function runSamples(ctx: CheckContext, ports: OriginPorts): Promise<CheckResult<OriginSamplesFacts>> {
  const n = sampleCount(ctx.options.samples);
  const endpoints = sampledEndpoints(ctx, ports);
  if (n <= 1 || endpoints.length === 0) return { status: 'skipped', findings: [] };
  const sampled = await Promise.all(endpoints.map((request) => sampleEndpoint(ctx, request, n)));
  const { findings, facts } = judgeSamples(sampled, {
    mode: ctx.facts.cloudflare?.sslMode,
    budgetMs: ctx.options.timeoutMs,
    now: ctx.ports.clock.now(),
    proxyReadTimeoutS: proxyReadTimeout(ctx),
  });
  if (findings.length === 0) return { status: 'skipped', findings, facts };
  const failed = findings.some((f) => f.severity === 'error');
  return { status: failed ? 'failed' : 'passed', findings, facts };
}

async function sampleEndpoint(
  ctx: CheckContext,
  request: OriginProbeRequest,
  n: number,
): Promise<EndpointSamples> {
  const { timeoutMs } = ctx.options;
  const offsets = sampleOffsets(n, timeoutMs);
  const started = performance.now();
  const fresh = offsets.map(async (offset) => {
    await pause(offset, ctx.signal);
    const atMs = Math.round(performance.now() - started);
    const sampleDeadline = deadline(ctx.signal, timeoutMs);
    const observation: OriginObservation = await ctx.ports.origin
      .probe(request, sampleDeadline.signal)
      .finally(sampleDeadline.done);
    return { atMs, observation };
  });
  let kept: Promise<KeepAliveObservation | undefined> = Promise.resolve(undefined);
  const keepAlive = ctx.ports.keepAlive;
  if (keepAlive) {
    // The same number of requests, one after the other on one connection, over the same second.
    const keptDeadline = deadline(ctx.signal, timeoutMs + spreadOf(timeoutMs));
    const gapMs = offsets[1] ?? 0;
    kept = keepAlive
      .probe(request, { requests: n, gapMs, idleMs: () => 0, requestAfterIdle: false }, keptDeadline.signal)
      .finally(keptDeadline.done);
  }
  const [freshSamples, reused] = await Promise.all([Promise.all(fresh), kept]);
  return reused ? { request, fresh: freshSamples, reused } : { request, fresh: freshSamples };
}

/** The zone's Proxy Read Timeout when the Cloudflare check learned it (Enterprise), else the 100 s default. */
function proxyReadTimeout(ctx: CheckContext): number {
  const cf = ctx.facts.cloudflare as Record<string, unknown> | undefined;
  const value = cf?.['proxyReadTimeoutS'] ?? cf?.['proxyReadTimeout'];
  return typeof value === 'number' && value > 0 ? value : 100;
}
