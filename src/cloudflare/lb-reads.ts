// Load balancer named after the host, its pools, and pool health. Pool health is read UNTYPED: the
// API keys it by region and then by origin address, which the SDK's generated type does not model.
import type { CfLoadBalancer, CfOriginHealth, CfPool, CfPoolHealth } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { arr, bool, num, obj, str, strings } from './read-json.js';

const LB_OP = { name: 'load balancers', permission: 'Load Balancers:Read' };
const POOLS_OP = { name: 'load balancer pools', permission: 'Load Balancing: Monitors and Pools:Read' };
const HEALTH_OP = { name: 'pool health', permission: 'Load Balancing: Monitors and Pools:Read' };

export async function loadBalancer(
  api: ApiClient,
  zoneId: string,
  host: string,
  signal: AbortSignal,
): Promise<CfLoadBalancer | null> {
  const page = await api.call(LB_OP, signal, (o) => api.sdk.loadBalancers.list({ zone_id: zoneId }, o));
  for (const item of page.getPaginatedItems() as unknown[]) {
    const lb = obj(item);
    const name = str(lb?.['name'])?.toLowerCase().replace(/\.$/, '');
    const id = str(lb?.['id']);
    if (!lb || !id || name !== host) continue;
    const out: CfLoadBalancer = {
      id,
      name: host,
      enabled: bool(lb['enabled']) ?? true,
      proxied: bool(lb['proxied']) ?? false,
      defaultPools: strings(lb['default_pools']),
    };
    const fallback = str(lb['fallback_pool']);
    if (fallback) out.fallbackPool = fallback;
    const steering = str(lb['steering_policy']);
    if (steering) out.steeringPolicy = steering;
    return out;
  }
  return null;
}

/** The pools with these ids, in one list call (the account's pools come as a single page). */
export async function pools(
  api: ApiClient,
  accountId: string,
  ids: readonly string[],
  signal: AbortSignal,
): Promise<CfPool[]> {
  const page = await api.call(POOLS_OP, signal, (o) =>
    api.sdk.loadBalancers.pools.list({ account_id: accountId }, o),
  );
  const wanted = new Set(ids);
  const out: CfPool[] = [];
  for (const item of page.getPaginatedItems() as unknown[]) {
    const p = obj(item);
    const id = str(p?.['id']);
    if (!p || !id || !wanted.has(id)) continue;
    const pool: CfPool = {
      id,
      name: str(p['name']) ?? id,
      enabled: bool(p['enabled']) ?? true,
      minimumOrigins: num(p['minimum_origins']) ?? 1,
      origins: arr(p['origins']).flatMap((raw) => {
        const o = obj(raw);
        const address = str(o?.['address']);
        if (!o || !address) return [];
        const origin: CfPool['origins'][number] = {
          name: str(o['name']) ?? address,
          address,
          enabled: bool(o['enabled']) ?? true,
        };
        const port = num(o['port']);
        if (port !== undefined && port > 0 && port < 65536) origin.port = port;
        return [origin];
      }),
    };
    const monitor = str(p['monitor']);
    if (monitor) pool.monitor = monitor;
    out.push(pool);
  }
  return ids.flatMap((id) => out.filter((p) => p.id === id));
}

export async function poolHealth(
  api: ApiClient,
  accountId: string,
  poolId: string,
  signal: AbortSignal,
): Promise<CfPoolHealth> {
  const result: unknown = await api.call(HEALTH_OP, signal, (o) =>
    api.sdk.loadBalancers.pools.health.get(poolId, { account_id: accountId }, o),
  );
  return parsePoolHealth(poolId, result);
}

/** `{ pop_health: { "<region>": { healthy, origins: [ { "<address>": { healthy, … } } ] } } }` */
export function parsePoolHealth(poolId: string, raw: unknown): CfPoolHealth {
  const health: CfPoolHealth = { poolId, regions: [], origins: [] };
  const byRegion = obj(obj(raw)?.['pop_health']) ?? {};
  for (const [region, value] of Object.entries(byRegion).slice(0, 50)) {
    const r = obj(value);
    if (!r) continue;
    const healthy = bool(r['healthy']);
    if (healthy !== undefined) health.regions.push({ region, healthy });
    for (const entry of arr(r['origins']).slice(0, 100)) {
      for (const [address, details] of Object.entries(obj(entry) ?? {})) {
        const d = obj(details);
        if (!d) continue;
        const origin: CfOriginHealth = { region, address, healthy: bool(d['healthy']) ?? false };
        const reason = str(d['failure_reason']);
        if (reason) origin.failureReason = reason.slice(0, 200);
        const code = num(d['response_code']);
        if (code !== undefined) origin.responseCode = code;
        health.origins.push(origin);
      }
    }
  }
  return health;
}
