// A real diagnosis chain on loopback for the chat pipeline: the Cloudflare SDK against the fake API,
// the real edge prober against the fake edge, the real origin prober against the origin lab. The
// scenario is "the origin refuses; the edge shows 521", whose primary cause is
// origin.connection_refused.

import { createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../src/cloudflare/create-cloudflare-reader.js';
import type { Diagnoser } from '../../src/diagnoser.js';
import type { AnyCheck } from '../../src/diagnosis/check.js';
import { analyticsCheck } from '../../src/diagnosis/checks/analytics/index.js';
import { cloudflareCheck } from '../../src/diagnosis/checks/cloudflare/index.js';
import { edgeCheck } from '../../src/diagnosis/checks/edge/index.js';
import { createOriginCheck } from '../../src/diagnosis/checks/origin/index.js';
import { diagnose } from '../../src/diagnosis/engine.js';
import type { Ports } from '../../src/diagnosis/ports.js';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { createEdgeProber } from '../../src/probes/edge-prober.js';
import { createOriginProber } from '../../src/probes/origin-prober.js';
import { FAKE_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { type FakeEdge, startFakeEdge } from '../fakes/fake-edge.js';
import { type OriginLab, startOriginLab } from '../fakes/origin-lab.js';
import { aRecordZone, HOST, ZONE_ID } from './cloudflare-scenarios.js';

export const LAB_HOST = HOST;

export async function startLabDiagnoser(): Promise<Diagnoser> {
  const [lab, edge, api] = await Promise.all([
    startOriginLab({ site: HOST }),
    startFakeEdge(),
    startFakeCloudflareApi(),
  ]);
  const scenario = aRecordZone();
  scenario.records[ZONE_ID] = [
    { type: 'A', name: HOST, content: lab.origins.refused.address, proxied: true },
  ];
  scenario.settings[ZONE_ID]!['ssl'] = 'strict';
  api.scenario = scenario;
  edge.setBehaviour({ kind: 'branded', code: 521, errorSource: 'host' });
  return loopbackDiagnoser({ lab, edge, api }, [analyticsCheck]);
}

/**
 * The real checks (Cloudflare API, edge, origin, plus `extraChecks`) wired to a started origin lab,
 * fake edge and fake API: every host resolves to loopback, the edge probe goes to the fake edge's
 * port. `close()` stops all three; `onRun` hears each diagnosed host.
 */
export function loopbackDiagnoser(
  parts: { lab: OriginLab; edge: FakeEdge; api: FakeCloudflareApi },
  extraChecks: AnyCheck[] = [],
  onRun?: (host: string) => void,
): Diagnoser {
  const { lab, edge, api } = parts;
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
    ...extraChecks,
  ];
  return {
    run(target, options, listener) {
      onRun?.(target.host);
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
