// A pool's health the way Cloudflare decides it (load-balancing/understand-basics/health-details,
// regional-health): one global decision per pool, healthy when most of its checking regions see it
// healthy (not "any region"); a pool below `minimum_origins` healthy origins is Critical; unknown
// health is not proof of anything. Pure: the reads are in lb.ts.
import type { CfPool, CfPoolHealth } from '../../cloudflare-lb-types.js';

export type PoolRole = 'default' | 'fallback' | 'steering';

export interface PoolState {
  id: string;
  name: string;
  role: PoolRole;
  enabled: boolean;
  /** Global decision: undefined when health could not be read or no region reported. */
  healthy: boolean | undefined;
  /** How many checking regions see the pool healthy, of how many. */
  regionsHealthy?: number;
  regionsTotal?: number;
  /** Origins healthy by consensus, against the pool's minimum_origins. */
  healthyOrigins?: number;
  minimumOrigins: number;
  /** How steering reaches this pool (region/PoP/country/rule), for pools outside the defaults. */
  steeredBy?: string[];
  unhealthyOrigins: {
    name: string;
    address: string;
    regions: string[];
    /** Regions that checked this origin. */
    checkedIn: number;
    reason?: string;
    responseCode?: number;
  }[];
}

export function poolState(pool: CfPool, role: PoolRole, health: CfPoolHealth | undefined): PoolState {
  const state: PoolState = {
    id: pool.id,
    name: pool.name,
    role,
    enabled: pool.enabled,
    healthy: undefined,
    minimumOrigins: Math.max(1, pool.minimumOrigins),
    unhealthyOrigins: [],
  };
  if (!health) return state;
  const enabled = new Set(pool.origins.filter((o) => o.enabled).map((o) => o.address));
  const byOrigin = new Map<string, { healthy: number; total: number; bad: CfPoolHealth['origins'] }>();
  for (const o of health.origins) {
    if (enabled.size > 0 && !enabled.has(o.address)) continue;
    const entry = byOrigin.get(o.address) ?? { healthy: 0, total: 0, bad: [] };
    entry.total += 1;
    if (o.healthy) entry.healthy += 1;
    else entry.bad.push(o);
    byOrigin.set(o.address, entry);
  }
  // Origins healthy in most of the regions that check them.
  let healthyOrigins = 0;
  for (const [address, entry] of byOrigin) {
    if (entry.healthy * 2 > entry.total) healthyOrigins += 1;
    const first = entry.bad[0];
    if (!first) continue;
    const out: PoolState['unhealthyOrigins'][number] = {
      name: pool.origins.find((p) => p.address === address)?.name ?? address,
      address,
      regions: entry.bad.map((b) => b.region),
      checkedIn: entry.total,
    };
    if (first.failureReason) out.reason = first.failureReason;
    if (first.responseCode !== undefined) out.responseCode = first.responseCode;
    state.unhealthyOrigins.push(out);
  }
  if (byOrigin.size > 0) state.healthyOrigins = healthyOrigins;
  if (health.regions.length > 0) {
    const up = health.regions.filter((r) => r.healthy).length;
    state.regionsHealthy = up;
    state.regionsTotal = health.regions.length;
    state.healthy = up * 2 > health.regions.length;
  } else if (byOrigin.size > 0) {
    state.healthy = healthyOrigins >= state.minimumOrigins;
  }
  // Below the health threshold the pool is Critical, whatever the region flags say.
  if (state.healthyOrigins !== undefined && state.healthyOrigins < state.minimumOrigins)
    state.healthy = false;
  return state;
}

export function usable(p: PoolState): boolean {
  return p.enabled && p.healthy !== false;
}

/** "primary-eu unhealthy in 7 of 9 regions: web-1 (198.51.100.7: TCP connection failed)". */
export function describePool(p: PoolState): string {
  if (!p.enabled) return `${p.role} pool ${p.name} disabled`;
  const regions =
    p.regionsTotal !== undefined
      ? ` (healthy in ${p.regionsHealthy} of ${p.regionsTotal} checking regions)`
      : '';
  const threshold =
    p.healthyOrigins !== undefined && p.healthyOrigins < p.minimumOrigins
      ? `, ${p.healthyOrigins} healthy origin${p.healthyOrigins === 1 ? '' : 's'} for a minimum of ${p.minimumOrigins}`
      : '';
  const origins = p.unhealthyOrigins.length
    ? `: unhealthy origins ${p.unhealthyOrigins
        .map(
          (o) =>
            `${o.name} (${o.address}${o.reason ? `: ${o.reason}` : ''}${o.responseCode ? `, HTTP ${o.responseCode}` : ''}; failing in ${o.regions.length} of ${o.checkedIn} regions)`,
        )
        .join(', ')}`
    : '';
  const verdict = p.healthy === false ? 'unhealthy' : p.healthy === undefined ? 'health unknown' : 'healthy';
  return `${p.role} pool ${p.name} ${verdict}${regions}${threshold}${origins}`;
}
