// The fake Cloudflare API's account audit logs (v1 shape, test/fakes/audit-log-entries.ts).

import type { Route, RouteContext } from '../route-context.js';

export function auditLogRoutes({ s, url, paged, allowed }: RouteContext): Route[] {
  return [
    [
      'GET',
      /^\/accounts\/([^/]+)\/audit_logs$/,
      ([, acc = '']) => {
        if (!allowed('Account Settings Read', acc)) return;
        // As the real API: filtered by zone.name and since/before, newest first unless direction=asc.
        const zone = url.searchParams.get('zone.name');
        const since = Date.parse(url.searchParams.get('since') ?? '') || 0;
        const before = Date.parse(url.searchParams.get('before') ?? '') || Number.POSITIVE_INFINITY;
        const entries = (s.auditLogs[acc] ?? [])
          .filter((e) => {
            const when = Date.parse(String(e['when']));
            const name = (e['metadata'] as Record<string, unknown> | undefined)?.['zone_name'];
            return when >= since && when < before && (zone === null || name === zone);
          })
          .sort((a, b) => Date.parse(String(b['when'])) - Date.parse(String(a['when'])));
        paged(url.searchParams.get('direction') === 'asc' ? entries.reverse() : entries);
      },
    ],
  ];
}
