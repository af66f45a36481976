// A load balancer named after the host takes precedence over DNS records. It is judged the way
// Cloudflare serves it: its default pools in failover order, each healthy by the consensus of its
// checking regions and its minimum_origins (lb-health.ts); when every default pool is down, an
// ENABLED fallback pool takes the traffic whatever its health (lb.fallback_serving), and only a
// disabled fallback yields 530/1016 (health-details). Region, PoP and country pools and custom rules
// may steer a visitor to other pools: they are read and named. The monitor is quoted when origins
// fail their health checks. Pool origins become what the origin probe checks directly.
import type { CheckContext } from '../../check.js';
import type { CfLoadBalancer, CfMonitor, CfPool, CfPoolHealth } from '../../cloudflare-lb-types.js';
import type { CloudflareReader } from '../../cloudflare-reader.js';
import type { OriginCandidate } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import { apiFinding } from './api-finding.js';
import type { LbEvidence, MonitorEvidence } from './lb-evidence.js';
import { describePool, type PoolRole, type PoolState, poolState, usable } from './lb-health.js';

/** Health reads cost one call each: read at most this many pools. */
const MAX_POOLS = 4;
/** Calls kept back for what follows the load balancer (IP ranges, analytics, audit log). */
const RESERVED_CALLS = 3;

export type { PoolState } from './lb-health.js';

export interface LbOutcome {
  findings: Finding[];
  origins: OriginCandidate[];
  pools: PoolState[];
}

/** Which pools steering can send a visitor to, outside the default list, and how. */
export function steeringOf(lb: CfLoadBalancer): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  const add = (pool: string, how: string) => {
    if (lb.defaultPools.includes(pool)) return;
    routes.set(pool, [...(routes.get(pool) ?? []), how]);
  };
  for (const [kind, map] of [
    ['region', lb.regionPools],
    ['PoP', lb.popPools],
    ['country', lb.countryPools],
  ] as const) {
    for (const [key, ids] of Object.entries(map ?? {})) for (const id of ids) add(id, `${kind} ${key}`);
  }
  for (const rule of lb.rules ?? []) {
    if (rule.disabled) continue;
    for (const id of rule.pools) add(id, `rule "${rule.name}"`);
  }
  return routes;
}

export async function readLoadBalancer(
  ctx: CheckContext,
  cf: CloudflareReader,
  accountId: string | undefined,
  lb: CfLoadBalancer,
  signal: AbortSignal,
): Promise<LbOutcome> {
  const host = ctx.target.host;
  const steering = steeringOf(lb);
  const roleOf = (id: string): PoolRole =>
    lb.defaultPools.includes(id) ? 'default' : id === lb.fallbackPool ? 'fallback' : 'steering';
  const ids = [
    ...new Set([...lb.defaultPools, ...(lb.fallbackPool ? [lb.fallbackPool] : []), ...steering.keys()]),
  ];
  const out: LbOutcome = { findings: [], origins: [], pools: [] };
  if (!accountId || lb.defaultPools.length === 0) {
    out.findings.push(
      finding({
        code: 'lb.no_healthy_pool',
        severity: 'error',
        title: `The load balancer for ${host} has no pools`,
        detail:
          'The load balancer lists no default pool, so Cloudflare has no origin to send traffic to (530/1016).',
        evidence: { loadBalancer: lb.name, pools: [], fallbackEnabled: false },
      }),
    );
    return out;
  }
  let pools: CfPool[];
  try {
    pools = await cf.pools(accountId, ids, signal);
  } catch (error) {
    out.findings.push(apiFinding(error));
    return out;
  }
  // Health in priority order (defaults, fallback, steering), as far as the call budget allows.
  const healthReads = Math.max(1, Math.min(MAX_POOLS, cf.callsLeft - RESERVED_CALLS));
  const health = await Promise.all(
    pools.map((p, i) =>
      i < healthReads ? cf.poolHealth(accountId, p.id, signal).catch((e: unknown) => asError(e)) : undefined,
    ),
  );
  for (const [i, pool] of pools.entries()) {
    const h = health[i];
    if (h instanceof Error) out.findings.push(apiFinding(h));
    const state = poolState(
      pool,
      roleOf(pool.id),
      h instanceof Error ? undefined : (h as CfPoolHealth | undefined),
    );
    const how = steering.get(pool.id);
    if (how && state.role === 'steering') state.steeredBy = how;
    out.pools.push(state);
    if (state.role === 'steering') continue;
    for (const origin of pool.origins.filter((o) => o.enabled)) {
      const candidate: OriginCandidate = {
        address: origin.address,
        source: 'load_balancer',
        label: `pool ${pool.name}, origin ${origin.name}`,
      };
      if (origin.port !== undefined) candidate.port = origin.port;
      if (!out.origins.some((o) => o.address === origin.address && o.port === origin.port))
        out.origins.push(candidate);
    }
  }
  const failing = out.pools.find((p) => p.unhealthyOrigins.length > 0 || p.healthy === false);
  const monitorId = failing ? pools.find((p) => p.id === failing.id)?.monitor : undefined;
  let monitor: CfMonitor | null | undefined;
  if (monitorId && cf.callsLeft > RESERVED_CALLS) {
    monitor = await cf.monitor(accountId, monitorId, signal).catch((e: unknown) => {
      out.findings.push(apiFinding(e));
      return undefined;
    });
  }
  out.findings.push(...judge(host, lb, out.pools, monitor ?? undefined));
  return out;
}

function judge(
  host: string,
  lb: CfLoadBalancer,
  pools: PoolState[],
  monitor: CfMonitor | undefined,
): Finding[] {
  const defaults = pools.filter((p) => p.role === 'default');
  const fallback = pools.find((p) => p.role === 'fallback');
  const steered = pools.filter((p) => p.role === 'steering');
  const evidence: LbEvidence = {
    loadBalancer: lb.name,
    steeringPolicy: lb.steeringPolicy ?? 'off',
    pools,
    fallbackEnabled: fallback?.enabled ?? false,
  };
  if (monitor) evidence.monitor = monitorEvidence(monitor);
  if (lb.poolSet) evidence.poolSet = lb.poolSet;
  const canServe = servingSummary(lb, pools);
  evidence.canServe = canServe;
  const fixed = (lb.rules ?? []).filter((r) => !r.disabled && r.fixedResponse !== undefined);
  if (fixed.length)
    evidence.fixedResponses = fixed.map((r) => ({
      rule: r.name,
      status: r.fixedResponse,
      condition: r.condition,
    }));
  const monitorText = monitor ? ` The monitor checks ${describeMonitor(monitor)}.` : '';

  if (defaults.length > 0 && defaults.every((p) => !usable(p))) {
    if (fallback?.enabled && fallback.healthy !== false) {
      return [
        finding({
          code: 'lb.fallback_serving',
          severity: 'warn',
          title: `Every default pool for ${host} is down: the fallback pool ${fallback.name} carries the traffic`,
          detail: `${defaults.map(describePool).join('; ')}. Cloudflare sends all traffic to the enabled fallback pool ${fallback.name} (${fallback.healthy === undefined ? 'health unknown' : 'healthy'}); visitors are served, at its capacity. Not a 530/1016.${monitorText}`,
          evidence,
        }),
      ];
    }
    const enabledFallback = fallback?.enabled === true;
    return [
      finding({
        code: 'lb.no_healthy_pool',
        severity: 'error',
        title: `No healthy pool behind the load balancer for ${host}`,
        detail: enabledFallback
          ? `${[...defaults, fallback].map(describePool).join('; ')}. Cloudflare still sends the traffic to the enabled fallback pool ${fallback.name} whatever its health, so visitors get what its failing origins answer (52x), not a 530/1016.${monitorText}`
          : `${defaults.map(describePool).join('; ')}; ${fallback ? `the fallback pool ${fallback.name} is disabled` : 'no fallback pool is readable'}. With no pool to use, Cloudflare answers 530 (error 1016).${monitorText}`,
        evidence,
      }),
    ];
  }
  const degraded = pools.filter((p) => !usable(p) || p.unhealthyOrigins.length > 0);
  if (degraded.length > 0) {
    const steeredDown = steered.filter((p) => !usable(p));
    return [
      finding({
        code: 'lb.pool_unhealthy',
        severity: 'warn',
        title: `Load balancer pool${degraded.length > 1 ? 's' : ''} unhealthy for ${host}`,
        detail: `${degraded.map(describePool).join('; ')}. Traffic still flows to the healthy pools (${canServe.join('; ')}), at reduced capacity.${steeredDown.length ? ` Visitors steered to ${steeredDown.map((p) => `${p.name} (${(p.steeredBy ?? []).join(', ')})`).join(', ')} fail over to the next pool in their list.` : ''}${monitorText}`,
        evidence,
      }),
    ];
  }
  const unknown = pools.filter((p) => p.healthy === undefined).map((p) => p.name);
  return [
    finding({
      code: 'lb.ok',
      severity: 'ok',
      title: `Load balancer ${lb.name}: pools healthy`,
      detail: `${canServe.join('; ')}${unknown.length ? ` (health unknown for ${unknown.join(', ')})` : ''}.`,
      evidence,
    }),
  ];
}

/** "default: primary-eu → secondary-us; region WNAM: west-pool; fallback: dr-pool". */
function servingSummary(lb: CfLoadBalancer, pools: PoolState[]): string[] {
  const name = (id: string) => pools.find((p) => p.id === id)?.name ?? id;
  const lines = [`default: ${lb.defaultPools.map(name).join(' → ')}`];
  for (const p of pools.filter((x) => x.role === 'steering'))
    lines.push(`${(p.steeredBy ?? []).join(', ')}: ${p.name}`);
  if (lb.fallbackPool) lines.push(`fallback: ${name(lb.fallbackPool)}`);
  return lines;
}

function monitorEvidence(m: CfMonitor): MonitorEvidence {
  const e: MonitorEvidence = { type: m.type };
  if (m.method) e.method = m.method;
  if (m.path) e.path = m.path;
  if (m.port !== undefined) e.port = m.port;
  if (m.expectedCodes) e.expectedCodes = m.expectedCodes;
  if (m.expectedBody) e.expectedBody = m.expectedBody;
  if (m.host) e.host = m.host;
  if (m.timeoutSeconds !== undefined) e.timeoutSeconds = m.timeoutSeconds;
  if (m.followRedirects !== undefined) e.followRedirects = m.followRedirects;
  return e;
}

/** "HTTPS GET /healthz on port 8443 (Host shop.example.com), expecting 2xx". */
export function describeMonitor(m: CfMonitor): string {
  const http = m.type === 'http' || m.type === 'https';
  const what = http ? `${m.type.toUpperCase()} ${m.method ?? 'GET'} ${m.path ?? '/'}` : m.type.toUpperCase();
  const port = m.port ? ` on port ${m.port}` : http ? ` on port ${m.type === 'https' ? 443 : 80}` : '';
  const host = m.host ? ` (Host ${m.host})` : http ? ' (Host: the origin address, no Host header set)' : '';
  const codes = http
    ? `, expecting ${m.expectedCodes ?? '200'}${m.expectedBody ? ` and a body containing "${m.expectedBody}"` : ''}`
    : '';
  return `${what}${port}${host}${codes}`;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
