// A lab of many sites behind one zone whose proxied A records all point at the same dead origin (the
// lab's "refused" address), diagnosed by the real chain on loopback: the Cloudflare SDK against the
// fake API, the edge prober against the fake edge (521 for every host), the origin prober against the
// origin lab. For alert storms: "N sites, one origin refusing on 443". Other shapes share something
// else: one tunnel with no connector (`tunnel-down`), one load balancer's pools all unhealthy
// (`pool-down`), or Cloudflare's edge failing while every origin answers (`edge-failing`).
import type { Diagnoser } from '../../../src/diagnoser.js';
import { startFakeCloudflareApi } from '../../fakes/cloudflare-api/server.js';
import { startFakeEdge } from '../../fakes/fake-edge.js';
import { startOriginLab } from '../../fakes/origin-lab.js';
import { aRecordZone, lbZone, TUNNEL_ID, tunnelZone, ZONE_ID } from '../../support/cloudflare-scenarios.js';
import { loopbackDiagnoser } from '../../support/lab-diagnoser.js';

export type StormShape = 'dead-origin' | 'tunnel-down' | 'pool-down' | 'edge-failing';

export interface StormLab extends Diagnoser {
  hosts: string[];
  /** The one origin address every host's record points at. */
  origin: string;
  runs: string[];
}

export async function startStormLab(count: number, shape: StormShape = 'dead-origin'): Promise<StormLab> {
  const hosts = Array.from({ length: count }, (_, n) => `site${String(n + 1).padStart(2, '0')}.example.com`);
  const [lab, edge, api] = await Promise.all([
    startOriginLab({ site: hosts[0]!, only: ['refused', 'healthy'] }),
    startFakeEdge(),
    startFakeCloudflareApi(),
  ]);
  const origin = shape === 'edge-failing' ? lab.origins.healthy.address : lab.origins.refused.address;
  if (shape === 'tunnel-down') {
    const scenario = tunnelZone('down', 0);
    scenario.records[ZONE_ID] = hosts.map((name) => ({
      type: 'CNAME',
      name,
      content: `${TUNNEL_ID}.cfargotunnel.com`,
      proxied: true,
    }));
    scenario.tunnelConfigurations[TUNNEL_ID] = {
      ingress: [
        ...hosts.map((hostname) => ({ hostname, service: 'http://localhost:8080' })),
        { service: 'http_status:404' },
      ],
    };
    api.scenario = scenario;
    edge.setBehaviour({ kind: 'current1xxx', code: 1033 });
  } else if (shape === 'pool-down') {
    const scenario = lbZone(false, false);
    const [template] = scenario.loadBalancers[ZONE_ID] ?? [];
    scenario.loadBalancers[ZONE_ID] = hosts.map((name, n) => ({ ...template, id: `lb${n}`, name }));
    api.scenario = scenario;
    edge.setBehaviour({ kind: 'current1xxx', code: 1016 });
  } else {
    const scenario = aRecordZone();
    scenario.records[ZONE_ID] = hosts.map((name) => ({ type: 'A', name, content: origin, proxied: true }));
    // One lab certificate for many names: Full (not strict), so the name mismatch is only a warning.
    if (shape === 'edge-failing') scenario.settings[ZONE_ID] = { ...scenario.settings[ZONE_ID], ssl: 'full' };
    api.scenario = scenario;
    edge.setBehaviour(
      shape === 'edge-failing'
        ? { kind: 'branded', code: 502, errorSource: 'cloudflare' }
        : { kind: 'branded', code: 521, errorSource: 'host' },
    );
  }

  const runs: string[] = [];
  const diagnoser = loopbackDiagnoser({ lab, edge, api }, [], (host) => runs.push(host));
  return { ...diagnoser, hosts, origin, runs };
}
