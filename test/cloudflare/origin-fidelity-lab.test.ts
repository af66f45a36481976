// The whole chain on loopback for the ways Cloudflare's connection differs from a naive probe:
// the SSL mode unknown (the edge picks the leg), Authenticated Origin Pulls, HTTP/2 broken after
// ALPN, an Origin Rule's port, a slow origin, cached errors and the current 1xxx page. Real probers
// against the origin lab and the fake edge, the real SDK against the fake API (or no token at all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../src/cloudflare/create-cloudflare-reader.js';
import type { AnyCheck } from '../../src/diagnosis/check.js';
import { cloudflareCheck } from '../../src/diagnosis/checks/cloudflare/index.js';
import { edgeCheck } from '../../src/diagnosis/checks/edge/index.js';
import { createOriginCheck } from '../../src/diagnosis/checks/origin/index.js';
import { diagnose } from '../../src/diagnosis/engine.js';
import type { Ports } from '../../src/diagnosis/ports.js';
import type { Report } from '../../src/diagnosis/report.js';
import { parseSite } from '../../src/diagnosis/target.js';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { createEdgeProber } from '../../src/probes/edge-prober.js';
import { createOriginProber } from '../../src/probes/origin-prober.js';
import { FAKE_TOKEN, type FakeScenario } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { type EdgeBehaviour, type FakeEdge, startFakeEdge } from '../fakes/fake-edge.js';
import { type OriginLab, startOriginLab } from '../fakes/origin-lab.js';
import type { LabOriginName } from '../fakes/origin-lab-origins.js';
import { originRuleset, routeRule } from '../fakes/origin-rules.js';
import { aRecordZone, HOST, ZONE_ID } from '../support/cloudflare-scenarios.js';

let lab: OriginLab;
let edge: FakeEdge;
let api: FakeCloudflareApi;

beforeAll(async () => {
  [lab, edge, api] = await Promise.all([
    startOriginLab({ site: HOST }),
    startFakeEdge(),
    startFakeCloudflareApi(),
  ]);
});
afterAll(async () => {
  await Promise.all([lab.close(), edge.close(), api.close()]);
});

interface LabRun {
  /** The zone as the API holds it; absent: no token, the SSL mode is unknown. */
  zone?: (scenario: FakeScenario) => void;
  timeoutMs?: number;
  site?: string;
}

async function diagnoseLab(
  origin: LabOriginName,
  behaviour: EdgeBehaviour,
  run: LabRun = {},
): Promise<Report> {
  const policy = createAddressPolicy(['127.0.0.0/8']);
  const resolve = async () => ['127.0.0.1'];
  const edgeProber = createEdgeProber({ resolve, policy, extraCa: [edge.ca] });
  edge.setBehaviour(behaviour);
  const ports: Ports = {
    resolver: { resolve: async (host) => ({ host, addresses: [], cnames: [], resolvers: [] }) },
    addresses: policy,
    edge: {
      probe: (url, signal) => edgeProber.probe(url.replace(`//${HOST}`, `//${HOST}:${edge.port}`), signal),
    },
    origin: createOriginProber({ resolve, policy, extraCa: [lab.ca] }),
    clock: { now: () => new Date() },
  };
  if (run.zone) {
    const scenario = aRecordZone();
    scenario.records[ZONE_ID] = [
      { type: 'A', name: HOST, content: lab.origins[origin].address, proxied: true },
    ];
    run.zone(scenario);
    api.scenario = scenario;
    ports.cloudflare = createCloudflareReader({
      token: FAKE_TOKEN,
      baseUrl: api.baseUrl,
      cache: createCloudflareCache(),
    });
  }
  const checks: AnyCheck[] = [
    cloudflareCheck,
    edgeCheck,
    createOriginCheck({ ports: { http: lab.httpPort, https: lab.httpsPort } }),
  ];
  const parsed = parseSite(run.site ?? HOST);
  if (!parsed.ok) throw new Error(parsed.reason);
  const options = {
    timeoutMs: run.timeoutMs ?? 2000,
    ...(run.zone ? {} : { origin: lab.origins[origin].address }),
  };
  return diagnose(parsed.target, options, ports, checks);
}

const problems = (r: Report) => r.findings.filter((f) => f.severity === 'warn' || f.severity === 'error');
const at = (r: Report, code: string, port: number) =>
  r.findings.find((f) => f.code === code && f.evidence['port'] === port);

describe('SSL mode unknown: the edge decides which leg Cloudflare uses', () => {
  it('521 with 80 answering and 443 refused: no HTTPS under Full, not "fine because 80 answers"', async () => {
    const report = await diagnoseLab('noHttps', { kind: 'branded', code: 521 });
    expect(report.primaryCause).toBe('ssl.origin_no_https');
    expect(at(report, 'origin.connection_refused', lab.httpsPort)?.severity).toBe('error');
  });

  it('524 with 80 closed and 443 stalling: the stall is the cause, the closed port only a note', async () => {
    const report = await diagnoseLab('stallNoHttp', { kind: 'branded', code: 524 }, { timeoutMs: 1500 });
    expect(report.primaryCause).toBe('origin.response_timeout');
    expect(at(report, 'origin.connection_refused', lab.httpPort)?.severity).toBe('info');
  });

  it('521 with the same origin: the refused port 80 is the story (Flexible)', async () => {
    const report = await diagnoseLab('stallNoHttp', { kind: 'branded', code: 521 }, { timeoutMs: 1500 });
    expect(report.primaryCause).toBe('origin.connection_refused');
    expect(at(report, 'origin.connection_refused', lab.httpPort)?.severity).toBe('error');
    expect(at(report, 'origin.response_timeout', lab.httpsPort)?.severity).toBe('info');
  });
});

describe('Authenticated Origin Pulls', () => {
  it('no token, the edge answers: the certificate demand is a note, the site healthy', async () => {
    const report = await diagnoseLab('clientCert', { kind: 'healthy' });
    expect(report.findings.find((f) => f.code === 'origin.requires_client_cert')?.severity).toBe('info');
    expect(problems(report)).toEqual([]);
    expect(report.verdict).toBe('healthy');
  });

  it('AOP off in the zone and the edge shows 525: the cause, with steps for both sides; the edge agrees', async () => {
    const report = await diagnoseLab(
      'clientCert',
      { kind: 'branded', code: 525 },
      {
        zone: (s) => {
          s.originPull[ZONE_ID] = { enabled: false };
        },
      },
    );
    expect(report.primaryCause).toBe('origin.requires_client_cert');
    const cause = report.findings.find((f) => f.code === 'origin.requires_client_cert');
    expect(cause?.evidence['aop']).toBe('off');
    expect(cause?.remediation.join(' ')).toMatch(/Authenticated Origin Pulls[\s\S]*ssl_verify_client/);
    const edgeFinding = report.findings.find((f) => f.code === 'edge.error');
    expect(edgeFinding?.remediation.join(' ')).toContain('origin.requires_client_cert');
    expect(edgeFinding?.remediation.join(' ')).not.toContain('525 Make sure');
    expect(api.calls.filter((c) => c.path.includes('origin_tls_client_auth')).length).toBeGreaterThan(0);
  });

  it('a site with no certificate demand never reads the AOP settings', async () => {
    const before = api.calls.length;
    await diagnoseLab('healthy', { kind: 'healthy' }, { zone: () => {} });
    expect(api.calls.slice(before).filter((c) => c.path.includes('origin_tls_client_auth'))).toEqual([]);
  });
});

describe('HTTP/2 to the origin', () => {
  it('h2 offered then broken with an edge 520: the cause, with the setting to turn off', async () => {
    const report = await diagnoseLab(
      'http2Broken',
      { kind: 'branded', code: 520 },
      {
        zone: (s) => {
          s.settings[ZONE_ID]!['ssl'] = 'full';
        },
      },
    );
    expect(report.primaryCause).toBe('origin.http2_broken');
    expect(report.findings.find((f) => f.code === 'origin.http2_broken')?.remediation[0]).toContain(
      'HTTP/2 to Origin',
    );
  });

  it('h2 broken but the edge answers: a warning, not an outage', async () => {
    const report = await diagnoseLab(
      'http2Broken',
      { kind: 'healthy' },
      {
        zone: (s) => {
          s.settings[ZONE_ID]!['ssl'] = 'full';
        },
      },
    );
    expect(report.findings.find((f) => f.code === 'origin.http2_broken')?.severity).toBe('warn');
    expect(report.verdict).toBe('degraded');
  });
});

describe('Origin Rules', () => {
  it('a port override: the probe reaches the origin listening only there, the site is healthy', async () => {
    const report = await diagnoseLab(
      'altPortOnly',
      { kind: 'healthy' },
      {
        zone: (s) => {
          s.settings[ZONE_ID]!['ssl'] = 'full';
          s.rulesets[ZONE_ID] = [
            originRuleset(routeRule(`http.host eq "${HOST}"`, { origin: { port: lab.altPort } }, 'app port')),
          ];
        },
      },
    );
    expect(problems(report)).toEqual([]);
    expect(report.findings.find((f) => f.code === 'origin.rule_applied')?.title).toContain(
      String(lab.altPort),
    );
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });

  it('without the rule the same origin is refused where the probe looks: the rule is what made it right', async () => {
    const report = await diagnoseLab(
      'altPortOnly',
      { kind: 'healthy' },
      {
        zone: (s) => {
          s.settings[ZONE_ID]!['ssl'] = 'full';
        },
      },
    );
    expect(report.findings.some((f) => f.code === 'origin.connection_refused')).toBe(true);
  });
});

describe('the edge side', () => {
  it('a cached 502 in front of a healthy origin: the cache is the primary cause', async () => {
    const report = await diagnoseLab(
      'healthy',
      {
        kind: 'cached',
        cacheStatus: 'HIT',
        age: 600,
        next: { kind: 'passthrough', status: 502, body: 'upstream down' },
      },
      { zone: () => {} },
    );
    expect(report.primaryCause).toBe('edge.cached_error');
    expect(report.findings.find((f) => f.code === 'edge.cached_error')?.evidence).toMatchObject({
      cacheStatus: 'HIT',
      ageSeconds: 600,
    });
  });

  it('a slow origin within Cloudflare’s wait and a healthy edge: a warning, not a 524 claim', async () => {
    const report = await diagnoseLab(
      'stall',
      { kind: 'healthy' },
      {
        timeoutMs: 700,
        zone: (s) => {
          s.settings[ZONE_ID]!['ssl'] = 'flexible';
        },
      },
    );
    const slow = report.findings.find((f) => f.code === 'origin.response_timeout');
    expect(slow?.severity).toBe('warn');
    expect(slow?.detail).toContain('100 s');
    expect(report.primaryCause).not.toBe('edge.error');
  });
});
