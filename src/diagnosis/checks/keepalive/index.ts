// Keep-alive, measured: one connection to the origin, one request, then left idle the way Cloudflare
// leaves its pooled connections (it reuses them for up to 900 s). An origin that answers
// `Connection: close` or hangs up after every response makes Cloudflare reconnect for each request;
// one that closes idle connections within seconds races Cloudflare's reuse, and the request that
// loses the race gets a 520/502 — the classic sporadic error no single probe reproduces.
import type { Check, CheckContext, CheckResult } from '../../check.js';
import { deadline } from '../../deadline.js';
import type { KeepAliveFacts } from '../../sampling-facts.js';
import type { OriginPorts } from '../origin/plan.js';
import { sampledEndpoints } from '../origin-samples/endpoints.js';
import { sampleCount } from '../origin-samples/schedule.js';
import { judgeKeepAlive } from './findings.js';
import { idleWindow } from './window.js';

const MARGIN_MS = 2000;

export function createKeepAliveCheck(options: { ports?: Partial<OriginPorts> } = {}): Check<'keepAlive'> {
  const ports: OriginPorts = { http: options.ports?.http ?? 80, https: options.ports?.https ?? 443 };
  return {
    name: 'keepAlive',
    needs: ['cloudflare'],
    // The idle watch ends when the other checks have ended: it never holds the verdict.
    trailing: true,
    budgetMs: (opts) => opts.timeoutMs + MARGIN_MS,
    run: (ctx) => runKeepAlive(ctx, ports),
  };
}

export const keepAliveCheck: Check<'keepAlive'> = createKeepAliveCheck();

async function runKeepAlive(ctx: CheckContext, ports: OriginPorts): Promise<CheckResult<KeepAliveFacts>> {
  const prober = ctx.ports.keepAlive;
  const endpoints = sampledEndpoints(ctx, ports);
  // Under an unknown SSL mode both ports are candidates; HTTPS is what Full and Strict zones use.
  const request = endpoints.find((e) => e.tls) ?? endpoints[0];
  if (!prober || !request || sampleCount(ctx.options.samples) <= 1)
    return { status: 'skipped', findings: [] };
  const { timeoutMs } = ctx.options;
  const probeDeadline = deadline(ctx.signal, timeoutMs + MARGIN_MS / 2);
  // Once every other check has ended, nothing here may hold the verdict: not the idle watch (cut
  // short, judged on what it saw), nor a first answer still awaited (then there is nothing to judge).
  const stop = new AbortController();
  const abort = () => stop.abort();
  probeDeadline.signal.addEventListener('abort', abort, { once: true });
  ctx.othersDone?.addEventListener('abort', abort, { once: true });
  if (probeDeadline.signal.aborted || ctx.othersDone?.aborted) abort();
  const observation = await prober
    .probe(
      request,
      {
        requests: 1,
        gapMs: 0,
        idleMs: (headers) => idleWindow(headers, timeoutMs),
        requestAfterIdle: true,
        ...(ctx.othersDone ? { idleUntil: ctx.othersDone } : {}),
      },
      stop.signal,
    )
    .finally(() => {
      probeDeadline.done();
      ctx.othersDone?.removeEventListener('abort', abort);
    });
  const findings = judgeKeepAlive(observation);
  if (findings.length === 0) return { status: 'skipped', findings, facts: { observation } };
  const warned = findings.some((f) => f.severity === 'warn' || f.severity === 'error');
  return { status: warned ? 'failed' : 'passed', findings, facts: { observation } };
}
