// Load balancer named after the host, its pools, and pool health. Pool health is read UNTYPED: the
// API keys it by region and then by origin address, which the SDK's generated type does not model.

import type {
  CfLbRule,
  CfLoadBalancer,
  CfMonitor,
  CfOriginHealth,
  CfPool,
  CfPoolHealth,
} from '../diagnosis/cloudflare-lb-types.js';
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { ApiClient } from './api-client.js';
import { arr, bool, type Json, num, obj, str, strings } from './read-json.js';

const LB_OP = { name: 'load balancers', permission: PERMISSIONS.loadBalancers };
const POOLS_OP = { name: 'load balancer pools', permission: PERMISSIONS.pools };
const HEALTH_OP = { name: 'pool health', permission: PERMISSIONS.pools };
const MONITOR_OP = { name: 'load balancer monitor', permission: PERMISSIONS.pools };

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
    const region = poolMap(lb['region_pools']);
    if (region) out.regionPools = region;
    const pop = poolMap(lb['pop_pools']);
    if (pop) out.popPools = pop;
    const country = poolMap(lb['country_pools']);
    if (country) out.countryPools = country;
    const rules = arr(lb['rules'])
      .slice(0, 50)
      .flatMap((r) => lbRule(obj(r)));
    if (rules.length) out.rules = rules;
    applyPoolSets(out, arr(lb['pool_sets']).slice(0, 50));
    return out;
  }
  return null;
}

/**
 * `pool_sets` (cloudflare@7 `LoadBalancer.PoolSet`: evaluated in order, first match wins,
 * independent of default/region/country/PoP pools): a set limited to regions, countries or PoPs
 * steers those visitors to its flat `pools` list (kept as a rule, so it is named as steering); the
 * first enabled set matching every request (`match.default`, or no `match`) replaces the default
 * pools for everyone else, and the geo pool maps are then never used.
 */
function applyPoolSets(lb: CfLoadBalancer, sets: unknown[]): void {
  for (const raw of sets) {
    const set = obj(raw);
    if (!set || bool(set['disabled']) === true) continue;
    const name = str(set['name']) ?? 'pool set';
    const overrides = obj(set['overrides']) ?? {};
    const pools = strings(overrides['pools']);
    const fallback = str(overrides['fallback_pool']);
    const fixed = num(obj(set['fixed_response'])?.['status_code']);
    const match = obj(set['match']);
    const topology = obj(match?.['topology']);
    const where = topology
      ? (['regions', 'countries', 'pops'] as const)
          .map((k) => [k, strings(topology[k])] as const)
          .filter(([, v]) => v.length > 0)
          .map(([k, v]) => `${k} ${v.join(', ')}`)
          .join('; ')
      : '';
    if (where) {
      const rule: CfLbRule = {
        name: `pool set ${name}`,
        condition: where,
        disabled: false,
        pools: [...pools, ...(fallback ? [fallback] : [])],
      };
      if (fixed !== undefined) rule.fixedResponse = fixed;
      lb.rules = [...(lb.rules ?? []), rule];
      continue;
    }
    // Matches every request: the last set that can apply.
    lb.poolSet = name;
    if (fixed !== undefined) {
      lb.rules = [
        ...(lb.rules ?? []),
        { name: `pool set ${name}`, disabled: false, pools: [], fixedResponse: fixed },
      ];
    }
    if (pools.length > 0) lb.defaultPools = pools;
    if (fallback) lb.fallbackPool = fallback;
    delete lb.regionPools;
    delete lb.popPools;
    delete lb.countryPools;
    return;
  }
}

/** `{ "WNAM": ["pool-id", …], … }` → the same, with only string lists kept; undefined when empty. */
function poolMap(value: unknown): Record<string, string[]> | undefined {
  const entries = Object.entries(obj(value) ?? {})
    .slice(0, 400)
    .map(([key, ids]) => [key, strings(ids)] as const)
    .filter(([, ids]) => ids.length > 0);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function lbRule(r: Json | undefined): CfLbRule[] {
  if (!r) return [];
  const o = obj(r['overrides']) ?? {};
  const pools = new Set<string>([
    ...strings(o['default_pools']),
    ...(str(o['fallback_pool']) ? [str(o['fallback_pool']) as string] : []),
    ...Object.values(poolMap(o['region_pools']) ?? {}).flat(),
    ...Object.values(poolMap(o['pop_pools']) ?? {}).flat(),
    ...Object.values(poolMap(o['country_pools']) ?? {}).flat(),
  ]);
  const rule: CfLbRule = {
    name: str(r['name']) ?? 'rule',
    disabled: bool(r['disabled']) ?? false,
    pools: [...pools],
  };
  const condition = str(r['condition']);
  if (condition) rule.condition = condition.slice(0, 300);
  const fixed = num(obj(r['fixed_response'])?.['status_code']);
  if (fixed !== undefined) rule.fixedResponse = fixed;
  return [rule];
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
    const regions = strings(p['check_regions']);
    if (regions.length) pool.checkRegions = regions;
    out.push(pool);
  }
  return ids.flatMap((id) => out.filter((p) => p.id === id));
}

/**
 * The monitor a pool uses (`GET /accounts/{acct}/load_balancers/monitors/{id}`, SDK `Monitor`):
 * quoted when origins fail their health checks. Null when it no longer exists.
 */
export async function monitor(
  api: ApiClient,
  accountId: string,
  id: string,
  signal: AbortSignal,
): Promise<CfMonitor | null> {
  let raw: unknown;
  try {
    raw = await api.call(MONITOR_OP, signal, (o) =>
      api.sdk.loadBalancers.monitors.get(id, { account_id: accountId }, o),
    );
  } catch (error) {
    if ((error as { kind?: unknown }).kind === 'not_found') return null;
    throw error;
  }
  const m = obj(raw);
  if (!m) return null;
  const out: CfMonitor = { id: str(m['id']) ?? id, type: str(m['type']) ?? 'http' };
  const text = (key: string) => str(m[key]);
  const method = text('method');
  if (method) out.method = method;
  const path = text('path');
  if (path) out.path = path;
  const port = num(m['port']);
  if (port !== undefined && port > 0) out.port = port;
  const codes = text('expected_codes');
  if (codes) out.expectedCodes = codes;
  const body = text('expected_body');
  if (body) out.expectedBody = body.slice(0, 100);
  // `header` is `{ "Host": ["example.com"], … }`.
  const header = obj(m['header']) ?? {};
  const hostKey = Object.keys(header).find((k) => k.toLowerCase() === 'host');
  const host = hostKey ? strings(header[hostKey])[0] : undefined;
  if (host) out.host = host;
  const timeout = num(m['timeout']);
  if (timeout !== undefined) out.timeoutSeconds = timeout;
  const interval = num(m['interval']);
  if (interval !== undefined) out.intervalSeconds = interval;
  const follow = bool(m['follow_redirects']);
  if (follow !== undefined) out.followRedirects = follow;
  const insecure = bool(m['allow_insecure']);
  if (insecure !== undefined) out.allowInsecure = insecure;
  return out;
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
