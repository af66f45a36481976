// Runs the Cloudflare side of a diagnosis end to end: the real cloudflare + analytics checks, the
// real reader and SDK against the loopback fake API, the real address guard (loopback allowed, as
// in the labs), the engine and its correlation rules. Edge, origin and public-DNS facts are given
// as the other checks would report them, so each scenario states exactly what the probes saw.

import { type CloudflareCache, createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../src/cloudflare/create-cloudflare-reader.js';
import type { AnyCheck, Check } from '../../src/diagnosis/check.js';
import { analyticsCheck } from '../../src/diagnosis/checks/analytics/index.js';
import { changesCheck } from '../../src/diagnosis/checks/changes/index.js';
import { cloudflareCheck } from '../../src/diagnosis/checks/cloudflare/index.js';
import { zoneSettingsCheck } from '../../src/diagnosis/checks/zone-settings/index.js';
import type { CloudflareReader } from '../../src/diagnosis/cloudflare-reader.js';
import { diagnose } from '../../src/diagnosis/engine.js';
import type { CloudflareFacts, EdgeFacts, SslMode } from '../../src/diagnosis/facts.js';
import type { DnsAnswer, OriginObservation, Ports } from '../../src/diagnosis/ports.js';
import type { Report } from '../../src/diagnosis/report.js';
import { parseSite } from '../../src/diagnosis/target.js';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { FAKE_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import type { FakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { reported } from './findings.js';
import { edgeFacts } from './observations.js';

export interface Seen {
  /** What the edge showed: status and Cloudflare error code (e.g. 530 + 1033). */
  edge?: { status: number; code?: number; blames?: EdgeFacts['blames'] };
  origin?: OriginObservation[];
  /** Public DNS answer for the host. */
  publicDns?: string[];
  /** CNAME targets → addresses, as CHECK502_DNS_SERVERS would answer. */
  resolve?: Record<string, string[]>;
}

export interface Run {
  report: Report;
  reader: CloudflareReader;
  /** What the origin check received from the cloudflare check (absent when it had nothing). */
  cloudflareFacts?: CloudflareFacts;
}

export async function runDiagnosis(
  fake: FakeCloudflareApi | undefined,
  host: string,
  seen: Seen = {},
  options: { cache?: CloudflareCache; token?: string; timeoutMs?: number } = {},
): Promise<Run> {
  const parsed = parseSite(host);
  if (!parsed.ok) throw new Error(parsed.reason);
  const reader = createCloudflareReader({
    token: options.token ?? FAKE_TOKEN,
    baseUrl: fake?.baseUrl ?? 'http://127.0.0.1:9/client/v4',
    cache: options.cache ?? createCloudflareCache(),
    timeoutMs: 2000,
  });
  const ports: Ports = {
    resolver: {
      async resolve(name) {
        const addresses = seen.resolve?.[name] ?? [];
        const answer: DnsAnswer = { host: name, addresses, cnames: [], resolvers: ['127.0.0.1:53'] };
        if (addresses.length === 0) answer.error = { code: 'ENOTFOUND', message: `${name} not found` };
        return answer;
      },
    },
    edge: { probe: () => Promise.reject(new Error('not used')) },
    origin: { probe: () => Promise.reject(new Error('not used')) },
    addresses: createAddressPolicy(['127.0.0.0/8']),
    clock: { now: () => new Date() },
  };
  if (fake) ports.cloudflare = reader;
  const run: { cloudflareFacts?: CloudflareFacts } = {};
  const checks: AnyCheck[] = [
    cloudflareCheck,
    analyticsCheck,
    changesCheck,
    zoneSettingsCheck,
    ...givenChecks(seen, run),
  ];
  const report = await diagnose(parsed.target, { timeoutMs: options.timeoutMs ?? 3000 }, ports, checks);
  return { report, reader, ...run };
}

function givenChecks(seen: Seen, run: { cloudflareFacts?: CloudflareFacts }): AnyCheck[] {
  const checks: AnyCheck[] = [];
  const edge = seen.edge;
  if (edge) {
    const check: Check<'edge'> = {
      name: 'edge',
      async run() {
        const facts = edgeFacts(edge.status, edge.code, { rayId: '8a1b2c3d4e5f6a7b-FRA' });
        if (edge.blames) facts.blames = edge.blames;
        const failed = edge.status >= 500;
        return {
          status: failed ? 'failed' : 'passed',
          facts,
          findings: [
            reported({
              code: failed ? 'edge.error' : 'edge.ok',
              severity: failed ? 'error' : 'ok',
              title: `Edge answered ${edge.status}`,
              detail: `The edge answered ${edge.status}.`,
              evidence: { status: edge.status, cloudflareErrorCode: edge.code ?? null },
            }),
          ],
        };
      },
    };
    checks.push(check);
  }
  const origin = seen.origin ?? [];
  {
    const check: Check<'origin'> = {
      name: 'origin',
      needs: ['cloudflare'],
      async run(ctx) {
        if (ctx.facts.cloudflare) run.cloudflareFacts = ctx.facts.cloudflare;
        const facts: { observations: OriginObservation[]; sslMode?: SslMode } = { observations: origin };
        const mode = ctx.facts.cloudflare?.sslMode;
        if (mode) facts.sslMode = mode;
        return { status: 'passed', facts, findings: [] };
      },
    };
    checks.push(check);
  }
  const publicDns = seen.publicDns;
  if (publicDns) {
    const check: Check<'publicDns'> = {
      name: 'publicDns',
      async run(ctx) {
        return {
          status: 'passed',
          facts: {
            answer: { host: ctx.target.host, addresses: publicDns, cnames: [], resolvers: ['127.0.0.1:53'] },
          },
          findings: [],
        };
      },
    };
    checks.push(check);
  }
  return checks;
}

export function codes(report: Report): string[] {
  return report.findings.map((f) => f.code);
}

export function findingOf(report: Report, code: string) {
  const f = report.findings.find((x) => x.code === code);
  if (!f) throw new Error(`no ${code} finding in ${codes(report).join(', ')}`);
  return f;
}
