// The fake Cloudflare API's Workers reads: routes per zone and Custom Domains per account.

import type { Route, RouteContext } from '../route-context.js';

export function workersRoutes({ s, url, list, allowed }: RouteContext): Route[] {
  return [
    [
      'GET',
      /^\/zones\/([^/]+)\/workers\/routes$/,
      ([, zone = '']) => {
        if (allowed('Workers Routes Read')) list(s.workerRoutes[zone] ?? []);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/workers\/domains$/,
      ([, acc = '']) => {
        if (!allowed('Workers Scripts Read', acc)) return;
        // api: GET /accounts/{account_id}/workers/domains?hostname=&zone_id=&zone_name=&service=&environment=
        const q = url.searchParams;
        const filters = ['hostname', 'zone_id', 'zone_name', 'service', 'environment'] as const;
        list(
          (s.workerDomains[acc] ?? []).filter((d) =>
            filters.every((f) => q.get(f) === null || String(d[f]).toLowerCase() === q.get(f)?.toLowerCase()),
          ),
        );
      },
    ],
  ];
}
