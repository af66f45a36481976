// The guarded fixes' writes over the SDK, with CLOUDFLARE_FIX_TOKEN (never the read token). Each fix
// is one write to one resource; `current` reads that same resource first so a stale preview is
// refused. The fix token needs: Zone Settings Edit (SSL/TLS mode, HTTP/2 to origin, roll-backs of
// settings), DNS Edit (record roll-backs), Cache Purge (purge), Load Balancing: Monitors and Pools
// Edit (origins and pools). Cloudflare's Edit permissions include reading the same resource.
import type { CfPermission } from '../diagnosis/cloudflare-permissions.js';
import type { FixTarget, RecordValue } from '../fixes/fix-plan.js';
import type { FixWriter, LiveValue } from '../fixes/fix-writer.js';
import { createApiClient, type FetchLike } from './api-client.js';
import { arr, bool, obj, str } from './read-json.js';

export interface FixWriterOptions {
  token: string;
  baseUrl?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

const enc = encodeURIComponent;

/** What CLOUDFLARE_FIX_TOKEN needs for each fix (token editor names; Edit includes reading). */
export const FIX_PERMISSIONS = {
  settings: {
    name: 'Zone Settings Edit',
    scope: 'zone',
    reads: 'the setting a fix changes',
    without: 'ssl-full, http2-off and setting roll-backs',
  },
  dns: {
    name: 'DNS Edit',
    scope: 'zone',
    reads: 'the record a roll-back restores',
    without: 'DNS roll-backs',
  },
  purge: { name: 'Cache Purge', scope: 'zone', reads: 'nothing', without: 'purge' },
  pools: {
    name: 'Load Balancing: Monitors and Pools Edit',
    scope: 'account',
    reads: 'the pool a fix changes',
    without: 'disable-origin and enable-fallback',
  },
} as const satisfies Record<string, CfPermission>;

export function createCloudflareFixWriter(options: FixWriterOptions): FixWriter {
  const api = createApiClient({
    token: options.token,
    timeoutMs: options.timeoutMs ?? 10_000,
    // A write is not retried blindly: the service re-reads and decides.
    maxRetryWaitMs: 0,
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });
  const op = (name: string, permission: CfPermission) => ({ name, permission });
  const result = (body: unknown) => obj(obj(body)?.['result']);
  const poolPath = (t: { accountId: string; poolId: string }) =>
    `/accounts/${enc(t.accountId)}/load_balancers/pools/${enc(t.poolId)}`;

  return {
    async current(target: FixTarget): Promise<LiveValue> {
      switch (target.kind) {
        case 'purge':
          return undefined;
        case 'setting': {
          const body = await api.call(
            op(`setting ${target.setting}`, FIX_PERMISSIONS.settings),
            undefined,
            (o) => api.sdk.get<unknown>(`/zones/${enc(target.zoneId)}/settings/${enc(target.setting)}`, o),
          );
          const value = result(body)?.['value'];
          return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
        }
        case 'dns_record': {
          const body = await api.call(op(`DNS record ${target.name}`, FIX_PERMISSIONS.dns), undefined, (o) =>
            api.sdk.get<unknown>(`/zones/${enc(target.zoneId)}/dns_records/${enc(target.recordId)}`, o),
          );
          const r = result(body);
          const record: RecordValue = {
            type: str(r?.['type']) ?? '',
            content: str(r?.['content']) ?? '',
            proxied: bool(r?.['proxied']) ?? false,
          };
          return record;
        }
        case 'pool_origin': {
          const pool = await readPool(target);
          const origin = arr(pool?.['origins'])
            .map(obj)
            .find((x) => str(x?.['name']) === target.origin);
          return origin ? (bool(origin['enabled']) ?? true) : undefined;
        }
        case 'pool_enabled':
          return bool((await readPool(target))?.['enabled']);
      }
    },
    async write(target: FixTarget): Promise<void> {
      switch (target.kind) {
        case 'purge':
          await api.call(op('cache purge', FIX_PERMISSIONS.purge), undefined, (o) =>
            api.sdk.post<unknown>(`/zones/${enc(target.zoneId)}/purge_cache`, {
              ...o,
              body: { files: target.urls },
            }),
          );
          return;
        case 'setting':
          await api.call(op(`setting ${target.setting}`, FIX_PERMISSIONS.settings), undefined, (o) =>
            api.sdk.patch<unknown>(`/zones/${enc(target.zoneId)}/settings/${enc(target.setting)}`, {
              ...o,
              body: { value: target.to },
            }),
          );
          return;
        case 'dns_record':
          await api.call(op(`DNS record ${target.name}`, FIX_PERMISSIONS.dns), undefined, (o) =>
            api.sdk.patch<unknown>(`/zones/${enc(target.zoneId)}/dns_records/${enc(target.recordId)}`, {
              ...o,
              body: { name: target.name, ...target.to },
            }),
          );
          return;
        case 'pool_origin': {
          // The API replaces the origin list whole: send it back with one origin's flag changed.
          const pool = await readPool(target);
          const origins = arr(pool?.['origins']).map((x) => {
            const o = obj(x) ?? {};
            return str(o['name']) === target.origin ? { ...o, enabled: target.to } : o;
          });
          await api.call(op(`pool ${target.pool}`, FIX_PERMISSIONS.pools), undefined, (o) =>
            api.sdk.patch<unknown>(poolPath(target), { ...o, body: { origins } }),
          );
          return;
        }
        case 'pool_enabled':
          await api.call(op(`pool ${target.pool}`, FIX_PERMISSIONS.pools), undefined, (o) =>
            api.sdk.patch<unknown>(poolPath(target), { ...o, body: { enabled: target.to } }),
          );
          return;
      }
    },
  };

  async function readPool(t: { accountId: string; poolId: string; pool: string }) {
    const body = await api.call(op(`pool ${t.pool}`, FIX_PERMISSIONS.pools), undefined, (o) =>
      api.sdk.get<unknown>(poolPath(t), o),
    );
    return result(body);
  }
}
