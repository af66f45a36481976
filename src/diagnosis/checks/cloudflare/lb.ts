// A load balancer named after the host takes precedence over DNS records. Its default pools and
// fallback pool are read with their health (per region, per origin address); the pool origins
// become what the origin probe checks directly.
import type { CheckContext } from '../../check.js';
import type { CfLoadBalancer, CfPool, CfPoolHealth, CloudflareReader } from '../../cloudflare-reader.js';
import type { OriginCandidate } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import { apiFinding } from './api-finding.js';

/** Health reads cost one call each: read at most this many pools. */
const MAX_POOLS = 4;

export interface PoolState {
  id: string;
  name: string;
  role: 'default' | 'fallback';
  enabled: boolean;
  healthy: boolean | undefined;
  unhealthyOrigins: {
    name: string;
    address: string;
    regions: string[];
    reason?: string;
    responseCode?: number;
  }[];
}

export interface LbOutcome {
  findings: Finding[];
  origins: OriginCandidate[];
  pools: PoolState[];
}

export async function readLoadBalancer(
  ctx: CheckContext,
  cf: CloudflareReader,
  accountId: string | undefined,
  lb: CfLoadBalancer,
  signal: AbortSignal,
): Promise<LbOutcome> {
  const host = ctx.target.host;
  const ids = [...new Set([...lb.defaultPools, ...(lb.fallbackPool ? [lb.fallbackPool] : [])])].slice(
    0,
    MAX_POOLS,
  );
  const out: LbOutcome = { findings: [], origins: [], pools: [] };
  if (!accountId || ids.length === 0) {
    out.findings.push(
      finding({
        code: 'lb.no_healthy_pool',
        severity: 'error',
        title: `The load balancer for ${host} has no pools`,
        detail:
          'The load balancer lists no default or fallback pool, so Cloudflare has no origin to send traffic to (530/1016).',
        evidence: { loadBalancer: lb.name, pools: [] },
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
  const health = await Promise.all(
    pools.map((p) => cf.poolHealth(accountId, p.id, signal).catch((error: unknown) => error)),
  );
  pools.forEach((pool, i) => {
    const h = health[i];
    if (h instanceof Error || h === undefined) {
      if (h) out.findings.push(apiFinding(h));
    }
    const state = poolState(
      pool,
      lb,
      h instanceof Error || h === undefined ? undefined : (h as CfPoolHealth),
    );
    out.pools.push(state);
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
  });
  out.findings.push(...judge(host, lb, out.pools));
  return out;
}

function poolState(pool: CfPool, lb: CfLoadBalancer, health: CfPoolHealth | undefined): PoolState {
  const role = lb.defaultPools.includes(pool.id) ? 'default' : 'fallback';
  const state: PoolState = {
    id: pool.id,
    name: pool.name,
    role,
    enabled: pool.enabled,
    healthy: undefined,
    unhealthyOrigins: [],
  };
  if (!health) return state;
  // A pool is healthy when at least one region sees it healthy (traffic is steered there).
  if (health.regions.length > 0) state.healthy = health.regions.some((r) => r.healthy);
  else if (health.origins.length > 0) state.healthy = health.origins.some((o) => o.healthy);
  for (const o of health.origins.filter((x) => !x.healthy)) {
    const name = pool.origins.find((p) => p.address === o.address)?.name ?? o.address;
    const existing = state.unhealthyOrigins.find((u) => u.address === o.address);
    if (existing) {
      existing.regions.push(o.region);
      continue;
    }
    const entry: PoolState['unhealthyOrigins'][number] = { name, address: o.address, regions: [o.region] };
    if (o.failureReason) entry.reason = o.failureReason;
    if (o.responseCode !== undefined) entry.responseCode = o.responseCode;
    state.unhealthyOrigins.push(entry);
  }
  return state;
}

function judge(host: string, lb: CfLoadBalancer, pools: PoolState[]): Finding[] {
  const usable = (p: PoolState) => p.enabled && p.healthy !== false;
  const evidence = { loadBalancer: lb.name, steeringPolicy: lb.steeringPolicy ?? 'off', pools };
  const down = pools.filter((p) => !usable(p));
  if (pools.length > 0 && down.length === pools.length) {
    return [
      finding({
        code: 'lb.no_healthy_pool',
        severity: 'error',
        title: `No healthy pool behind the load balancer for ${host}`,
        detail: `Every pool, fallback included, is unhealthy or disabled: ${describe(down)}. Cloudflare answers 530 (error 1016) when no pool can take traffic.`,
        evidence,
      }),
    ];
  }
  const degraded = pools.filter((p) => !usable(p) || p.unhealthyOrigins.length > 0);
  if (degraded.length > 0) {
    return [
      finding({
        code: 'lb.pool_unhealthy',
        severity: 'warn',
        title: `Load balancer pool${degraded.length > 1 ? 's' : ''} unhealthy for ${host}`,
        detail: `${describe(degraded)}. Traffic still flows to the remaining healthy pools, at reduced capacity.`,
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
      detail: `${pools.map((p) => `${p.role} pool ${p.name}`).join(', ')}${unknown.length ? ` (health unknown for ${unknown.join(', ')})` : ''}.`,
      evidence,
    }),
  ];
}

function describe(pools: PoolState[]): string {
  return pools
    .map((p) => {
      const why = !p.enabled
        ? 'disabled'
        : p.unhealthyOrigins.length
          ? `unhealthy origins ${p.unhealthyOrigins.map((o) => `${o.name} (${o.address}${o.reason ? `: ${o.reason}` : ''})`).join(', ')}`
          : p.healthy === false
            ? 'unhealthy'
            : 'healthy';
      return `${p.role} pool ${p.name} ${why}`;
    })
    .join('; ');
}
