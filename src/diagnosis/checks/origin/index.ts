// The origin, probed directly the way Cloudflare connects to it: the port the SSL mode implies
// (443/TLS for Full and Strict, 80 for Flexible, both when the mode is unknown), SNI and Host set
// to the site. It names why the edge shows 521/522/523/520/525/526/524/502: refused, dropped,
// unreachable, reset, no TLS, bad certificate, no answer, or the origin's own 5xx. Addresses the
// guard refuses become `dns.origin_private_address` and are never connected to (the prober checks).
import type { Check, CheckContext, CheckResult } from '../../check.js';
import type { CfZoneSettings } from '../../cloudflare-reader.js';
import { deadline } from '../../deadline.js';
import { withMarks } from '../../evidence.js';
import type { OriginCandidate, OriginFacts, SslMode } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import type { OriginObservation, OriginProbeRequest } from '../../ports.js';
import { readAopState } from './client-cert.js';
import { baseEvidence, demandsClientCert, type ObservationContext, observationFindings } from './findings.js';
import {
  dedupe,
  type OriginPorts,
  type PlannedProbe,
  parseOriginOption,
  planProbes,
  wantsTls,
} from './plan.js';

export interface OriginCheckOptions {
  /** Ports Cloudflare uses for HTTP and HTTPS (80/443); labs on unprivileged ports override them. */
  ports?: Partial<OriginPorts>;
  /** At most this many origins are probed (load balancers can list many). */
  maxOrigins?: number;
}

const MARGIN_MS = 1500;
/** Failures on 443 that mean "no HTTPS here" rather than "the machine is gone". */
const NO_HTTPS = new Set(['refused', 'tls_failed', 'reset', 'invalid_response']);

export function createOriginCheck(options: OriginCheckOptions = {}): Check<'origin'> {
  const ports: OriginPorts = { http: options.ports?.http ?? 80, https: options.ports?.https ?? 443 };
  const maxOrigins = options.maxOrigins ?? 4;
  return {
    name: 'origin',
    needs: ['cloudflare'],
    budgetMs: (opts) => opts.timeoutMs + MARGIN_MS,
    run: (ctx) => runOriginCheck(ctx, ports, maxOrigins),
  };
}

export const originCheck: Check<'origin'> = createOriginCheck();

async function runOriginCheck(
  ctx: CheckContext,
  ports: OriginPorts,
  maxOrigins: number,
): Promise<CheckResult<OriginFacts>> {
  const mode = ctx.facts.cloudflare?.sslMode;
  const facts = (observations: OriginObservation[]): OriginFacts =>
    mode === undefined ? { observations } : { observations, sslMode: mode };
  const candidates = candidatesOf(ctx).slice(0, maxOrigins);
  if (candidates.length === 0) {
    return { status: 'skipped', findings: [notSpecified(ctx)], facts: facts([]) };
  }

  const plans = dedupe(planProbes(candidates, ctx.target, mode, ports));
  const probeDeadline = deadline(ctx.signal, ctx.options.timeoutMs);
  const signal = probeDeadline.signal;
  const observations = await Promise.all(
    plans.map((plan) => ctx.ports.origin.probe(probeRequest(ctx, plan), signal)),
  ).finally(probeDeadline.done);
  const now = ctx.ports.clock.now();
  const context = await observationContext(ctx, observations);
  const findings = candidates.flatMap((candidate) => {
    const mine = plans.flatMap((plan, i) =>
      plan.candidate === candidate ? [{ plan, seen: observations[i]! }] : [],
    );
    const own = candidate.label ? { ...context, via: candidate.label } : context;
    return candidateFindings(mine, mode, ctx.options.timeoutMs, now, own);
  });
  const failed = findings.some((f) => f.severity === 'error');
  return { status: failed ? 'failed' : 'passed', findings, facts: facts(observations) };
}

/** The connection Cloudflare makes: Origin Rule overrides of SNI and Host, HTTP/2 unless the zone caps it at 1.x. */
function probeRequest(ctx: CheckContext, plan: PlannedProbe): OriginProbeRequest {
  const route = ctx.facts.cloudflare?.route;
  const settings = ctx.facts.cloudflare?.['settings'] as CfZoneSettings | undefined;
  const request: OriginProbeRequest = {
    host: ctx.target.host,
    address: plan.candidate.address,
    port: plan.port,
    tls: plan.tls,
    path: ctx.target.path,
    // origin_max_http_version defaults to "2" on every plan but Enterprise ("1"); unknown → try it.
    http2: settings?.originMaxHttpVersion !== '1',
  };
  if (route?.sni) request.sni = route.sni;
  if (route?.hostHeader) request.hostHeader = route.hostHeader;
  return request;
}

async function observationContext(
  ctx: CheckContext,
  observations: readonly OriginObservation[],
): Promise<ObservationContext> {
  const context: ObservationContext = {};
  // The wait in force for this request: a matching Cache Rule's read timeout, else the zone's.
  const wait = ctx.facts.cloudflare?.proxyReadTimeoutS;
  if (wait !== undefined && Number.isFinite(wait) && wait > 0) {
    context.proxyReadTimeoutS = wait;
    const from = ctx.facts.cloudflare?.proxyReadTimeoutFrom;
    if (from) context.proxyReadTimeoutFrom = from;
  }
  const aop = await readAopState(ctx, observations, ctx.signal);
  if (aop) context.aop = aop;
  return context;
}

function candidatesOf(ctx: CheckContext): OriginCandidate[] {
  if (ctx.options.origin !== undefined && ctx.options.origin.trim() !== '') {
    // An Origin Rule's port still applies to the origin the user names, unless they name a port.
    const named = parseOriginOption(ctx.options.origin);
    const port = ctx.facts.cloudflare?.route?.port;
    return [named.port === undefined && port !== undefined ? { ...named, port } : named];
  }
  const seen = new Set<string>();
  return (ctx.facts.cloudflare?.origins ?? []).filter((c) => {
    const key = `${c.address.toLowerCase()}|${c.port ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Probed {
  plan: PlannedProbe;
  seen: OriginObservation;
}

function candidateFindings(
  probed: Probed[],
  mode: SslMode | undefined,
  budgetMs: number,
  now: Date,
  context: ObservationContext,
): Finding[] {
  // A guarded or unresolvable address gives the same answer on every port: say it once.
  const stop =
    probed.find((p) => p.seen.outcome === 'guarded') ??
    probed.find((p) => p.seen.outcome === 'resolve_failed');
  if (stop) return observationFindings(stop.seen, mode, budgetMs, now, context);

  const main = probed.filter((p) => p.plan.role === 'main');
  const https = main.find((p) => p.plan.tls);
  const http = probed.find((p) => !p.plan.tls);
  const answered = (p: Probed | undefined) =>
    p?.seen.outcome === 'response' || (p ? demandsClientCert(p.seen) : false);
  const out: Finding[] = [];

  if (wantsTls(mode) && https && !answered(https) && NO_HTTPS.has(https.seen.outcome) && answered(http)) {
    out.push(noHttps(https.seen, http!.seen, mode!, 'error'));
  }
  const unknownSplit =
    mode === undefined && https && http && http.plan.role === 'main' && answered(https) !== answered(http);
  for (const p of main) {
    const own = observationFindings(p.seen, mode, budgetMs, now, context);
    if (unknownSplit && !answered(p)) {
      const note = p.plan.tls
        ? `The SSL mode is unknown: this matters if it is Full or Full (strict), which connect to port ${p.plan.port}; Flexible uses port ${http!.plan.port}, which answers.`
        : `The SSL mode is unknown: this matters only if it is Flexible, which connects to port ${p.plan.port}; Full and Full (strict) use port ${https!.plan.port}, which answers.`;
      out.push(
        ...own.map((f) =>
          // The edge may still say this is the leg Cloudflare uses (unknown-mode-leg rule): keep the grade.
          f.severity === 'error'
            ? {
                ...f,
                severity: 'info' as const,
                detail: `${f.detail} ${note}`,
                evidence: withMarks(f, { unknownModeSeverity: 'error' }),
              }
            : f,
        ),
      );
      if (p.plan.tls && NO_HTTPS.has(p.seen.outcome))
        out.push(noHttps(p.seen, http!.seen, undefined, 'warn'));
    } else {
      out.push(...own);
    }
  }
  return out;
}

function noHttps(
  https: OriginObservation,
  http: OriginObservation,
  mode: SslMode | undefined,
  severity: 'error' | 'warn',
): Finding {
  const origin = https.resolvedAddress ?? https.request.address;
  const what = https.outcome === 'refused' ? 'refuses the connection' : 'does not complete a TLS handshake';
  return finding({
    code: 'ssl.origin_no_https',
    severity,
    title: mode ? `SSL mode ${mode} but the origin serves no HTTPS` : 'The origin serves HTTP but no HTTPS',
    detail: mode
      ? `In this mode Cloudflare connects to ${origin}:${https.request.port} over HTTPS, where the origin ${what}, while port ${http.request.port} answers plain HTTP (${http.http?.status ?? '?'}). Cloudflare shows ${https.outcome === 'refused' ? '521' : '525'}.`
      : `Port ${http.request.port} answers plain HTTP (${http.http?.status ?? '?'}) but on port ${https.request.port} the origin ${what}. The SSL mode is unknown: under Flexible this works (unencrypted between Cloudflare and the origin); under Full or Full (strict) Cloudflare shows ${https.outcome === 'refused' ? '521' : '525'}.`,
    evidence: {
      ...baseEvidence(https),
      mode: mode ?? 'unknown',
      origin,
      httpsPort: https.request.port,
      httpsOutcome: https.outcome,
      httpPort: http.request.port,
      httpStatus: http.http?.status ?? null,
    },
  });
}

function notSpecified(ctx: CheckContext): Finding {
  const tunnel = ctx.facts.cloudflare?.tunnel;
  return finding({
    code: 'origin.not_specified',
    severity: 'info',
    title: tunnel ? 'The origin is reached through a Cloudflare Tunnel' : 'No origin address to probe',
    detail: tunnel
      ? `${ctx.target.host} routes to the tunnel ${tunnel.name}; there is no public origin address to probe directly. Pass \`--origin <ip-or-host>\` to probe the service behind it.`
      : `The origin was not probed directly: pass \`--origin <ip-or-host>\` (optionally \`:port\`), or set CLOUDFLARE_API_TOKEN so the bot can read the origin from the zone's DNS records.`,
    evidence: { host: ctx.target.host, cloudflareFacts: ctx.facts.cloudflare !== undefined },
  });
}
