// The fake Cloudflare API's Authenticated Origin Pulls: the zone setting and per-hostname associations.

import type { Route, RouteContext } from '../route-context.js';

export function originPullRoutes({ s, ok, notFound, allowed }: RouteContext): Route[] {
  return [
    [
      'GET',
      /^\/zones\/([^/]+)\/origin_tls_client_auth\/settings$/,
      ([, zone = '']) =>
        allowed('SSL and Certificates Read') && ok({ enabled: s.originPull[zone]?.enabled ?? false }),
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/origin_tls_client_auth\/hostnames\/([^/]+)$/,
      ([, zone = '', host = '']) => {
        if (!allowed('SSL and Certificates Read')) return;
        const association = s.originPullHostnames[zone]?.[decodeURIComponent(host)];
        return association === undefined ? notFound() : ok(association);
      },
    ],
  ];
}
