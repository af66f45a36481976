// The fake Cloudflare API's load balancing reads: load balancers, pools, pool health, monitors.

import type { Route, RouteContext } from '../route-context.js';

export function loadBalancingRoutes({ s, list, ok, notFound, allowed }: RouteContext): Route[] {
  return [
    [
      'GET',
      /^\/zones\/([^/]+)\/load_balancers$/,
      ([, zone = '']) => {
        if (allowed('Load Balancers Read')) list(s.loadBalancers[zone] ?? []);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/load_balancers\/pools$/,
      ([, acc = '']) => {
        if (allowed(POOLS, acc)) list(s.pools[acc] ?? []);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/load_balancers\/pools\/([^/]+)\/health$/,
      ([, acc = '', pool = '']) => {
        if (!allowed(POOLS, acc)) return;
        const health = s.poolHealth[pool];
        return health === undefined ? notFound(1002, 'Pool not found') : ok(health);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/load_balancers\/monitors\/([^/]+)$/,
      ([, acc = '', id = '']) => {
        if (!allowed(POOLS, acc)) return;
        const monitor = (s.monitors[acc] ?? []).find((m) => m['id'] === id);
        return monitor === undefined ? notFound(1002, 'Monitor not found') : ok(monitor);
      },
    ],
  ];
}

const POOLS = 'Load Balancing: Monitors and Pools Read';
