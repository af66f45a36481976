// The fake Cloudflare API's Cloudflare Tunnel reads: tunnels, their connectors, their remote configuration.

import type { Route, RouteContext } from '../route-context.js';

export function tunnelRoutes({ s, paged, list, ok, notFound, allowed }: RouteContext): Route[] {
  return [
    [
      'GET',
      /^\/accounts\/([^/]+)\/cfd_tunnel$/,
      ([, acc = '']) => {
        if (!allowed(TUNNEL, acc)) return;
        const all = Object.values(s.tunnels).filter((t) => !t['deleted_at']);
        paged(all);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/cfd_tunnel\/([^/]+)$/,
      ([, acc = '', id = '']) => {
        if (!allowed(TUNNEL, acc)) return;
        const tunnel = s.tunnels[id];
        return tunnel === undefined ? notFound(1002, 'tunnel not found') : ok(tunnel);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/cfd_tunnel\/([^/]+)\/connections$/,
      ([, acc = '', id = '']) => {
        if (allowed(TUNNEL, acc)) list(s.tunnelConnections[id] ?? []);
      },
    ],
    [
      'GET',
      /^\/accounts\/([^/]+)\/cfd_tunnel\/([^/]+)\/configurations$/,
      ([, acc = '', id = '']) => {
        if (!allowed(TUNNEL, acc)) return;
        const config = s.tunnelConfigurations[id];
        if (config === undefined && s.localConfigAnswer === 'not_found')
          return notFound(1002, 'tunnel configuration not found');
        // api: GET …/cfd_tunnel/{id}/configurations → { tunnel_id, version, config, source, created_at }
        ok({
          tunnel_id: id,
          version: config ? 3 : 0,
          config: config ?? null,
          source: config ? 'cloudflare' : 'local',
          created_at: '2026-11-01T10:00:00Z',
        });
      },
    ],
  ];
}

const TUNNEL = 'Cloudflare Tunnel Read';
