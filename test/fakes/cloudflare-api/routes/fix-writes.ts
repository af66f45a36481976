// The fake Cloudflare API's answers to the guarded fixes' writes (setting and DNS record PATCH, cache
// purge, pool PATCH), each changing the scenario as the real API would, and the reads of the one
// resource each changes. Only the fix token gets here (server.ts refuses other tokens' writes).

import type { Route, RouteContext } from '../route-context.js';

export function fixWriteRoutes({ s, call, ok, notFound }: RouteContext): Route[] {
  return [
    [
      'PATCH',
      /^\/zones\/([^/]+)\/settings\/([a-z0-9_]+)$/,
      ([, zone = '', id = '']) => {
        const value = (call.body as { value?: unknown } | undefined)?.value;
        const settings = s.settings[zone];
        if (!settings || value === undefined) return notFound();
        settings[id] = value;
        ok({ id, value, editable: true, modified_on: new Date().toISOString() });
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/dns_records\/([^/]+)$/,
      ([, zone = '', id = '']) => {
        const record = (s.records[zone] ?? []).find((r) => r['id'] === id);
        return record
          ? ok({ ttl: 1, proxiable: true, ...record })
          : notFound(81044, 'Record does not exist.');
      },
    ],
    [
      'PATCH',
      /^\/zones\/([^/]+)\/dns_records\/([^/]+)$/,
      ([, zone = '', id = '']) => {
        const record = (s.records[zone] ?? []).find((r) => r['id'] === id);
        if (!record) return notFound(81044, 'Record does not exist.');
        Object.assign(record, call.body as Record<string, unknown>);
        ok({ ttl: 1, proxiable: true, ...record });
      },
    ],
    [
      'POST',
      /^\/zones\/([^/]+)\/purge_cache$/,
      // api: POST /zones/{zone_id}/purge_cache → { result: { id: <zone id> } }
      ([, zone = '']) => (s.zones.some((z) => z.id === zone) ? ok({ id: zone }) : notFound()),
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/load_balancers\/pools\/([^/]+)$/,
      ([, acc = '', id = '']) => {
        const pool = (s.pools[acc] ?? []).find((p) => p['id'] === id);
        return pool ? ok(pool) : notFound();
      },
    ],
    [
      'PATCH',
      /^\/accounts\/([^/]+)\/load_balancers\/pools\/([^/]+)$/,
      ([, acc = '', id = '']) => {
        const pool = (s.pools[acc] ?? []).find((p) => p['id'] === id);
        if (!pool) return notFound();
        Object.assign(pool, call.body as Record<string, unknown>);
        ok(pool);
      },
    ],
  ];
}
