// Zone set-ups for the fake API, as a user's account would hold them.
import { emptyScenario, type FakeScenario } from '../fakes/cloudflare-api/scenario.js';

export const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
export const ACCOUNT_ID = '01a7362d577a6c3019a474fd6f485823';
export const TUNNEL_ID = 'c1744f8b-faa1-48a4-9e5c-02ac921467fa';
export const HOST = 'shop.example.com';
export const ORIGIN_IP = '127.0.0.10';

/** 5,000 requests in the window, 3 of them 502 from the origin: background noise. */
export const HEALTHY_ANALYTICS = {
  requests: 5000,
  errors: [{ edgeStatus: 502, originStatus: 502, count: 3 }],
};

/** A proxied A record for the host, SSL Full (strict), quiet analytics. */
export function aRecordZone(): FakeScenario {
  const s = emptyScenario();
  s.zones = [{ id: ZONE_ID, name: 'example.com', accountId: ACCOUNT_ID }];
  s.records = { [ZONE_ID]: [{ type: 'A', name: HOST, content: ORIGIN_IP, proxied: true }] };
  s.settings = {
    [ZONE_ID]: {
      ssl: 'strict',
      min_tls_version: '1.2',
      origin_max_http_version: '2',
      always_use_https: 'on',
      origin_error_page_pass_thru: 'off',
      http3: 'on',
    },
  };
  s.analytics = { ...s.analytics, ...HEALTHY_ANALYTICS };
  return s;
}

/** The host is a CNAME to a tunnel with the given status and connector count. */
export function tunnelZone(
  status: string,
  connections: number,
  service = 'http://localhost:8080',
): FakeScenario {
  const s = aRecordZone();
  s.records = {
    [ZONE_ID]: [{ type: 'CNAME', name: HOST, content: `${TUNNEL_ID}.cfargotunnel.com`, proxied: true }],
  };
  s.tunnels[TUNNEL_ID] = {
    id: TUNNEL_ID,
    name: 'shop-prod',
    status,
    config_src: 'cloudflare',
    conns_active_at: connections > 0 ? '2026-11-23T08:00:00Z' : null,
    conns_inactive_at: connections > 0 ? null : '2026-11-23T09:12:00Z',
    deleted_at: null,
    connections: [],
  };
  s.tunnelConnections[TUNNEL_ID] =
    connections > 0
      ? [
          {
            id: '1bedc50d-42b3-473c-b108-ff3d10c0d925',
            version: '2025.10.0',
            arch: 'linux_amd64',
            run_at: '2026-11-23T08:00:00Z',
            conns: Array.from({ length: connections }, (_, i) => ({
              colo_name: ['fra06', 'ams01', 'fra08', 'ams05'][i % 4],
              origin_ip: '198.51.100.44',
              opened_at: '2026-11-23T08:00:01Z',
            })),
          },
        ]
      : [];
  s.tunnelConfigurations[TUNNEL_ID] = {
    ingress: [{ hostname: HOST, service, originRequest: {} }, { service: 'http_status:404' }],
  };
  return s;
}

/** The host is a load balancer over two pools (default + fallback) with the given health. */
export function lbZone(primaryHealthy: boolean, fallbackHealthy: boolean): FakeScenario {
  const s = aRecordZone();
  s.records = { [ZONE_ID]: [] };
  s.loadBalancers[ZONE_ID] = [
    {
      id: 'lb1',
      name: HOST,
      enabled: true,
      proxied: true,
      default_pools: ['pool-primary'],
      fallback_pool: 'pool-fallback',
      steering_policy: 'off',
    },
    {
      id: 'lb2',
      name: 'api.example.com',
      enabled: true,
      proxied: true,
      default_pools: ['x'],
      fallback_pool: 'x',
    },
  ];
  s.pools[ACCOUNT_ID] = [
    {
      id: 'pool-primary',
      name: 'primary-eu',
      enabled: true,
      minimum_origins: 1,
      monitor: 'mon1',
      origins: [
        { name: 'web-1', address: '127.0.0.11', enabled: true, weight: 1 },
        { name: 'web-2', address: '127.0.0.12', enabled: true, weight: 1, port: 8443 },
      ],
    },
    {
      id: 'pool-fallback',
      name: 'fallback-us',
      enabled: true,
      minimum_origins: 1,
      origins: [{ name: 'dr-1', address: '127.0.0.13', enabled: true, weight: 1 }],
    },
    { id: 'pool-unrelated', name: 'other', enabled: true, origins: [] },
  ];
  const health = (healthy: boolean, addresses: string[]) => ({
    pop_health: {
      'Western Europe': {
        healthy,
        origins: addresses.map((a) => ({
          [a]: healthy
            ? { healthy: true, rtt: '20ms', failure_reason: 'No failures', response_code: 200 }
            : { healthy: false, rtt: '0s', failure_reason: 'TCP connection failed', response_code: 0 },
        })),
      },
      'Eastern North America': { healthy, origins: [] },
    },
  });
  s.poolHealth['pool-primary'] = health(primaryHealthy, ['127.0.0.11', '127.0.0.12']);
  s.poolHealth['pool-fallback'] = health(fallbackHealthy, ['127.0.0.13']);
  return s;
}
