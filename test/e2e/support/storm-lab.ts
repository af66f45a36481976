// A lab of many sites behind one zone whose proxied A records all point at the same dead origin (the
// lab's "refused" address), diagnosed by the real chain on loopback: the Cloudflare SDK against the
// fake API, the edge prober against the fake edge (521 for every host), the origin prober against the
// origin lab. For alert storms: "N sites, one origin refusing on 443". Other shapes share something
// else: one tunnel with no connector (`tunnel-down`), one load balancer's pools all unhealthy
// (`pool-down`), or Cloudflare's edge failing while every origin answers (`edge-failing`).
import { createCloudflareCache } from '../../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../../src/cloudflare/create-cloudflare-reader.js';
import type { Diagnoser } from '../../../src/diagnoser.js';
import type { AnyCheck } from '../../../src/diagnosis/check.js';
import { cloudflareCheck } from '../../../src/diagnosis/checks/cloudflare/index.js';
import { edgeCheck } from '../../../src/diagnosis/checks/edge/index.js';
import { createOriginCheck } from '../../../src/diagnosis/checks/origin/index.js';
import { diagnose } from '../../../src/diagnosis/engine.js';
import type { Ports } from '../../../src/diagnosis/ports.js';
import { createAddressPolicy } from '../../../src/probes/address-policy.js';
import { createEdgeProber } from '../../../src/probes/edge-prober.js';
import { createOriginProber } from '../../../src/probes/origin-prober.js';
import { FAKE_TOKEN, startFakeCloudflareApi } from '../../fakes/cloudflare-api.js';
import { startFakeEdge } from '../../fakes/fake-edge.js';
import { startOriginLab } from '../../fakes/origin-lab.js';
import {
  ACCOUNT_ID,
  aRecordZone,
  lbZone,
  TUNNEL_ID,
  tunnelZone,
  ZONE_ID,
} from '../../support/cloudflare-scenarios.js';

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

  const policy = createAddressPolicy(['127.0.0.0/8']);
  const resolve = async () => ['127.0.0.1'];
  const edgeProber = createEdgeProber({ resolve, policy, extraCa: [edge.ca] });
  const cache = createCloudflareCache();
  const base: Omit<Ports, 'cloudflare'> = {
    resolver: { resolve: async (host) => ({ host, addresses: [], cnames: [], resolvers: [] }) },
    addresses: policy,
    edge: {
      probe: (url, signal) =>
        edgeProber.probe(url.replace(/^(https?:\/\/[^/:]+)\//, `$1:${edge.port}/`), signal),
    },
    origin: createOriginProber({ resolve, policy, extraCa: [lab.ca] }),
    clock: { now: () => new Date() },
  };
  const checks: AnyCheck[] = [
    cloudflareCheck,
    edgeCheck,
    createOriginCheck({ ports: { http: lab.httpPort, https: lab.httpsPort } }),
  ];
  const runs: string[] = [];
  return {
    hosts,
    origin,
    runs,
    run(target, options, listener) {
      runs.push(target.host);
      const cloudflare = createCloudflareReader({ token: FAKE_TOKEN, baseUrl: api.baseUrl, cache });
      return diagnose(
        target,
        { ...options, timeoutMs: Math.min(options.timeoutMs, 3000) },
        { ...base, cloudflare },
        checks,
        listener,
      );
    },
    async close() {
      await Promise.all([lab.close(), edge.close(), api.close()]);
    },
  };
}
