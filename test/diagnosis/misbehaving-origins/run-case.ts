// Runs one misbehaving-origin case through the whole chain a user runs: tiny origins on the case's
// address, the zone in the fake API, the edge's behaviour, the real probers and the engine.

import { createCloudflareCache } from '../../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../../src/cloudflare/create-cloudflare-reader.js';
import type { AnyCheck } from '../../../src/diagnosis/check.js';
import { cloudflareCheck } from '../../../src/diagnosis/checks/cloudflare/index.js';
import { edgeCheck } from '../../../src/diagnosis/checks/edge/index.js';
import { createOriginCheck } from '../../../src/diagnosis/checks/origin/index.js';
import { createOriginSamplesCheck } from '../../../src/diagnosis/checks/origin-samples/index.js';
import { diagnose } from '../../../src/diagnosis/engine.js';
import type { Ports } from '../../../src/diagnosis/ports.js';
import type { Report } from '../../../src/diagnosis/report.js';
import { parseSite } from '../../../src/diagnosis/target.js';
import { createAddressPolicy } from '../../../src/probes/address-policy.js';
import { createEdgeProber } from '../../../src/probes/edge-prober.js';
import { createKeepAliveProber } from '../../../src/probes/keepalive-prober.js';
import { createOriginProber } from '../../../src/probes/origin-prober.js';
import { FAKE_TOKEN } from '../../fakes/cloudflare-api/scenario.js';
import { startTinyOrigin, type TinyOrigin } from '../../fakes/tiny-origin.js';
import { aRecordZone, HOST, ZONE_ID } from '../../support/cloudflare-scenarios.js';
import type { Case } from './case.js';
import { api, certs, edge } from './lab.js';

async function closedPort(address: string): Promise<number> {
  const spare = await startTinyOrigin(address, { respond: () => {} });
  await spare.close();
  return spare.port;
}

export async function run(
  c: Case,
  address: string,
): Promise<{ report: Report; seen: Record<'http' | 'https', number> }> {
  const started: TinyOrigin[] = [];
  try {
    const http = c.http ? await startTinyOrigin(address, c.http()) : undefined;
    if (http) started.push(http);
    const https = c.https ? await startTinyOrigin(address, c.https()) : undefined;
    if (https) started.push(https);
    const ports = {
      http: http?.port ?? (await closedPort(address)),
      https: https?.port ?? (await closedPort(address)),
    };
    const scenario = aRecordZone();
    scenario.records[ZONE_ID] = [{ type: 'A', name: HOST, content: address, proxied: true }];
    scenario.settings[ZONE_ID]!['ssl'] = c.mode;
    api.scenario = scenario;
    edge.setBehaviour(c.edge);
    const policy = createAddressPolicy(['127.0.0.0/8']);
    const resolve = async () => ['127.0.0.1'];
    const edgeProber = createEdgeProber({ resolve, policy, extraCa: [edge.ca] });
    const probePorts: Ports = {
      resolver: { resolve: async (host) => ({ host, addresses: [], cnames: [], resolvers: [] }) },
      addresses: policy,
      edge: {
        probe: (url, signal) => edgeProber.probe(url.replace(`//${HOST}`, `//${HOST}:${edge.port}`), signal),
      },
      origin: createOriginProber({ resolve, policy, extraCa: [certs.ca.cert] }),
      keepAlive: createKeepAliveProber({ resolve, policy }),
      cloudflare: createCloudflareReader({
        token: FAKE_TOKEN,
        baseUrl: api.baseUrl,
        cache: createCloudflareCache(),
      }),
      clock: { now: () => new Date() },
    };
    const checks: AnyCheck[] = [cloudflareCheck, edgeCheck, createOriginCheck({ ports })];
    if (c.samples) checks.push(createOriginSamplesCheck({ ports }));
    const parsed = parseSite(HOST);
    if (!parsed.ok) throw new Error(parsed.reason);
    const options = { timeoutMs: c.timeoutMs ?? 2500, ...(c.samples ? { samples: c.samples } : {}) };
    const report = await diagnose(parsed.target, options, probePorts, checks);
    return { report, seen: { http: http?.connections() ?? 0, https: https?.connections() ?? 0 } };
  } finally {
    await Promise.all(started.map((s) => s.close()));
  }
}
