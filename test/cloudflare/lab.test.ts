// The whole chain a new user would run, on loopback: the zone read through the real SDK from the
// fake API, the real edge prober against the fake Cloudflare edge, the real origin prober against
// the origin lab (ports mapped from 80/443 to the lab's), and the engine naming the primary cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../src/cloudflare/create-cloudflare-reader.js';
import type { AnyCheck } from '../../src/diagnosis/check.js';
import { analyticsCheck } from '../../src/diagnosis/checks/analytics/index.js';
import { changesCheck } from '../../src/diagnosis/checks/changes/index.js';
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
import { settingChanged } from '../fakes/audit-log-entries.js';
import { FAKE_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { type EdgeBehaviour, type FakeEdge, startFakeEdge } from '../fakes/fake-edge.js';
import { type OriginLab, startOriginLab } from '../fakes/origin-lab.js';
import type { LabOriginName } from '../fakes/origin-lab-origins.js';
import { ACCOUNT_ID, aRecordZone, HOST, tunnelZone, ZONE_ID } from '../support/cloudflare-scenarios.js';

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

async function diagnoseLab(
  origin: LabOriginName | 'tunnel',
  ssl: string,
  behaviour: EdgeBehaviour,
  adjust: (scenario: ReturnType<typeof aRecordZone>) => void = () => {},
): Promise<Report> {
  const scenario = origin === 'tunnel' ? tunnelZone('down', 0) : aRecordZone();
  if (origin !== 'tunnel') {
    scenario.records[ZONE_ID] = [
      { type: 'A', name: HOST, content: lab.origins[origin].address, proxied: true },
    ];
  }
  scenario.settings[ZONE_ID]!['ssl'] = ssl;
  adjust(scenario);
  api.scenario = scenario;
  edge.setBehaviour(behaviour);
  const policy = createAddressPolicy(['127.0.0.0/8']);
  const resolve = async () => ['127.0.0.1'];
  const edgeProber = createEdgeProber({ resolve, policy, extraCa: [edge.ca] });
  const ports: Ports = {
    resolver: { resolve: async (host) => ({ host, addresses: [], cnames: [], resolvers: [] }) },
    addresses: policy,
    // The fake edge listens on an ephemeral port: point the edge probe at it, as DNS would.
    edge: {
      probe: (url, signal) => edgeProber.probe(url.replace(`//${HOST}/`, `//${HOST}:${edge.port}/`), signal),
    },
    origin: createOriginProber({ resolve, policy, extraCa: [lab.ca] }),
    cloudflare: createCloudflareReader({
      token: FAKE_TOKEN,
      baseUrl: api.baseUrl,
      cache: createCloudflareCache(),
    }),
    clock: { now: () => new Date() },
  };
  const checks: AnyCheck[] = [
    cloudflareCheck,
    edgeCheck,
    createOriginCheck({ ports: { http: lab.httpPort, https: lab.httpsPort } }),
    analyticsCheck,
    changesCheck,
  ];
  const parsed = parseSite(HOST);
  if (!parsed.ok) throw new Error(parsed.reason);
  return diagnose(parsed.target, { timeoutMs: 3000 }, ports, checks);
}

const problems = (r: Report) =>
  r.findings.filter((f) => f.severity === 'warn' || f.severity === 'error').map((f) => f.code);

describe('lab: API + edge + origin', () => {
  it('a healthy site raises no false alarm', async () => {
    const report = await diagnoseLab('healthy', 'strict', { kind: 'healthy' });
    expect(problems(report)).toEqual([]);
    expect(report.verdict).toBe('healthy');
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });

  it('an origin that answers the bot while the edge shows 521 is blocking Cloudflare', async () => {
    const report = await diagnoseLab('healthy', 'strict', {
      kind: 'branded',
      code: 521,
      errorSource: 'host',
    });
    expect(report.primaryCause).toBe('origin.blocks_cloudflare');
  });

  it('Full with no HTTPS on the origin explains the 521', async () => {
    const report = await diagnoseLab('noHttps', 'full', { kind: 'branded', code: 521, errorSource: 'host' });
    expect(report.primaryCause).toBe('ssl.origin_no_https');
  });

  it('Full (strict) with an expired certificate explains the 526', async () => {
    const report = await diagnoseLab('expired', 'strict', {
      kind: 'branded',
      code: 526,
      errorSource: 'host',
    });
    expect(report.primaryCause).toBe('origin.tls_cert_expired');
    expect(report.findings.find((f) => f.code === 'origin.tls_cert_expired')?.severity).toBe('error');
  });

  it('an origin refusing everyone explains the 521 (no firewall story)', async () => {
    const report = await diagnoseLab('refused', 'strict', {
      kind: 'branded',
      code: 521,
      errorSource: 'host',
    });
    expect(report.primaryCause).toBe('origin.connection_refused');
    expect(problems(report)).not.toContain('origin.blocks_cloudflare');
  });

  it('a down tunnel explains the 1033', async () => {
    const report = await diagnoseLab('tunnel', 'strict', {
      kind: 'branded',
      code: 1033,
      errorSource: 'cloudflare',
    });
    expect(report.primaryCause).toBe('tunnel.down');
  });

  it('an SSL mode switched to Full (strict) 12 min before the first 526 is named the likely trigger', async () => {
    const firstError = new Date(Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000);
    const report = await diagnoseLab(
      'selfSigned',
      'strict',
      { kind: 'branded', code: 526, errorSource: 'host' },
      (s) => {
        s.auditLogs[ACCOUNT_ID] = [
          settingChanged({
            zone: 'example.com',
            zoneId: ZONE_ID,
            setting: 'ssl',
            from: 'full',
            to: 'strict',
            by: 'alice@example.com',
            when: new Date(firstError.getTime() - 12 * 60_000),
          }),
        ];
        s.graphql = analyticsWithFirstError(firstError);
      },
    );
    // The primary cause stays technical; the change is rendered right under it as the trigger.
    expect(report.primaryCause).toBe('origin.tls_cert_untrusted');
    const codes = report.findings.map((f) => f.code);
    expect(codes[codes.indexOf('origin.tls_cert_untrusted') + 1]).toBe('change.suspect');
    const suspect = report.findings.find((f) => f.code === 'change.suspect');
    expect(suspect?.severity).toBe('error');
    expect(suspect?.detail).toContain('SSL/TLS mode: full → strict, by alice@example.com');
    expect(suspect?.detail).toContain('12 min before the errors began');
    expect(suspect?.remediation[0]).toContain('Roll it back: set SSL/TLS mode back to full');
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });
});

function analyticsWithFirstError(first: Date) {
  const minute = new Date(Math.floor(first.getTime() / 60_000) * 60_000).toISOString();
  return {
    data: {
      viewer: {
        zones: [
          {
            total: [{ count: 900 }],
            errors: [{ count: 400, dimensions: { edgeResponseStatus: 526, originResponseStatus: 0 } }],
            firstError: [{ dimensions: { datetimeMinute: minute } }],
          },
        ],
      },
    },
    errors: null,
  };
}
