// The CloudflareReader over the official SDK, one per diagnosis (its callCount is that diagnosis's
// figure). Zone lookups and Cloudflare's IP ranges go through a process-wide cache passed in.
import { createHash } from 'node:crypto';
import { CloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import type { CfIpRanges, CfZone, CloudflareReader } from '../diagnosis/cloudflare-reader.js';
import { type ApiClient, createApiClient, type FetchLike } from './api-client.js';
import { auditLog } from './audit-log-reads.js';
import type { CloudflareCache } from './cloudflare-cache.js';
import { edgeAnalytics } from './edge-analytics.js';
import { loadBalancer, monitor, poolHealth, pools } from './lb-reads.js';
import { originPullSettings, originRulesets } from './origin-reads.js';
import { obj, strings } from './read-json.js';
import { tunnel, tunnelConnections, tunnelIngress } from './tunnel-reads.js';
import { verifyToken } from './verify-token.js';
import { workerDomains, workerRoutes } from './worker-reads.js';
import {
  dnsRecords,
  recordsUnder,
  wildcardRecords,
  zoneSetting,
  zoneSettings,
  zonesEndingWith,
  zonesNamed,
} from './zone-reads.js';

export interface CloudflareReaderOptions {
  token: string;
  /** API base; the SDK falls back to CLOUDFLARE_BASE_URL and then Cloudflare's. */
  baseUrl?: string;
  cache: CloudflareCache;
  fetch?: FetchLike;
  /** Per-request timeout (default 8 s). */
  timeoutMs?: number;
  /** Longest Retry-After honoured before one retry (default 2 s); longer waits fail at once. */
  maxRetryWaitMs?: number;
  /** How long zone lookups are remembered (default 5 min). */
  zoneTtlMs?: number;
  /** How long Cloudflare's IP ranges are remembered (default 1 h). */
  ipRangesTtlMs?: number;
  /** Most API requests this reader sends (default 12, the per-diagnosis budget). */
  maxCalls?: number;
}

/** Suffixes of a host worth asking about, longest first (no bare TLD; at most six). */
export function zoneCandidates(host: string): string[] {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out.slice(0, 6);
}

export function createCloudflareReader(options: CloudflareReaderOptions): CloudflareReader {
  const api: ApiClient = createApiClient({
    token: options.token,
    timeoutMs: options.timeoutMs ?? 8000,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 2000,
    maxCalls: options.maxCalls ?? 12,
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });
  const cache = options.cache;
  // Different tokens see different zones: cache entries are scoped by API base and token digest.
  const scope = `${options.baseUrl ?? ''}|${createHash('sha256').update(options.token).digest('hex').slice(0, 16)}`;
  const zoneTtl = options.zoneTtlMs ?? 5 * 60_000;
  const ipTtl = options.ipRangesTtlMs ?? 60 * 60_000;

  return {
    get callCount() {
      return api.calls;
    },
    get callsLeft() {
      return api.remaining;
    },
    async findZone(host, signal) {
      // One list call for every parent suffix at once (name ends_with the shortest candidate),
      // cached across diagnoses and run without the caller's signal so one diagnosis's abort does
      // not fail another's. A huge account whose list does not fit falls back to exact names.
      const candidates = zoneCandidates(host);
      const shortest = candidates[candidates.length - 1];
      if (shortest === undefined) return null;
      const under = await raceSignal(
        cache.remember(`zones-under|${scope}|${shortest}`, zoneTtl, () => zonesEndingWith(api, shortest)),
        signal,
        'zones',
      );
      const byName = (name: string) => under.zones.find((z) => z.name.toLowerCase() === name);
      if (under.complete) return candidates.map(byName).find((z) => z !== undefined) ?? null;
      const lookups = candidates.map((name) =>
        cache.remember<CfZone | null>(`zone|${scope}|${name}`, zoneTtl, async () => {
          const zones = await zonesNamed(api, name);
          return zones[0] ?? null;
        }),
      );
      const results = await raceSignal(Promise.all(lookups), signal, 'zones');
      return results.find((z) => z !== null) ?? null;
    },
    dnsRecords: (zoneId, host, signal) => dnsRecords(api, zoneId, host, signal),
    wildcardRecords: (zoneId, host, signal) => wildcardRecords(api, zoneId, host, signal),
    recordsUnder: (zoneId, name, signal) => recordsUnder(api, zoneId, name, signal),
    zoneSettings: (zoneId, signal) => zoneSettings(api, zoneId, signal),
    zoneSetting: (zoneId, id, signal) => zoneSetting(api, zoneId, id, signal),
    workerRoutes: (zoneId, signal) => workerRoutes(api, zoneId, signal),
    workerDomains: (accountId, hostname, signal) => workerDomains(api, accountId, hostname, signal),
    monitor: (accountId, id, signal) => monitor(api, accountId, id, signal),
    verifyToken: (signal) => verifyToken(api, signal),
    loadBalancer: (zoneId, host, signal) => loadBalancer(api, zoneId, host, signal),
    pools: (accountId, ids, signal) => pools(api, accountId, ids, signal),
    poolHealth: (accountId, poolId, signal) => poolHealth(api, accountId, poolId, signal),
    tunnel: (accountId, id, signal) => tunnel(api, accountId, id, signal),
    tunnelConnections: (accountId, id, signal) => tunnelConnections(api, accountId, id, signal),
    tunnelIngress: (accountId, id, signal) => tunnelIngress(api, accountId, id, signal),
    ipRanges(signal) {
      const load = cache.remember<CfIpRanges>(`ips|${options.baseUrl ?? ''}`, ipTtl, async () => {
        const raw: unknown = await api.call({ name: 'IP ranges' }, undefined, (o) => api.sdk.ips.list({}, o));
        const ranges = { ipv4: strings(obj(raw)?.['ipv4_cidrs']), ipv6: strings(obj(raw)?.['ipv6_cidrs']) };
        if (ranges.ipv4.length === 0) {
          throw new CloudflareApiError({
            kind: 'invalid',
            operation: 'IP ranges',
            message: 'the API listed no IPv4 ranges',
          });
        }
        return ranges;
      });
      return raceSignal(load, signal, 'IP ranges');
    },
    originRulesets: (zoneId, signal, options) => originRulesets(api, zoneId, signal, options),
    originPullSettings: (zoneId, host, signal, zoneEnabled) =>
      originPullSettings(api, zoneId, host, signal, zoneEnabled),
    edgeAnalytics: (zoneTag, host, since, until, signal) =>
      edgeAnalytics(api, zoneTag, host, since, until, signal, (load) =>
        // A plan's dataset limits change rarely: one settings query per zone and hour.
        cache.remember(`gql-settings|${scope}|${zoneTag}`, 60 * 60_000, load),
      ),
    auditLog: (accountId, zoneName, since, signal) => auditLog(api, accountId, zoneName, since, signal),
  };
}

/** Lets a caller stop waiting for a shared request without cancelling it for the others. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, operation: string): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted(operation));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(operation));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function aborted(operation: string): CloudflareApiError {
  return new CloudflareApiError({
    kind: 'unavailable',
    operation,
    message: `reading ${operation} was cut off by the diagnosis budget`,
  });
}
