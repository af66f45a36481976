// The set-up of the e2e files that run the built CLI against the loopback lab (diagnose-cli*, fix-cli):
// running `check502 diagnose` against it — directly (--origin) or through the fake Cloudflare API —
// with the expectations every scenario shares (nothing left 127.0.0.0/8, a failing report's cause).

import { afterAll, beforeAll, expect } from 'vitest';
import type { Finding } from '../../../src/diagnosis/finding.js';
import type { Report } from '../../../src/diagnosis/report.js';
import { FAKE_TOKEN } from '../../fakes/cloudflare-api/scenario.js';
import type { EdgeBehaviour } from '../../fakes/fake-edge.js';
import type { LabOriginName } from '../../fakes/origin-lab-origins.js';
import { buildIfStale } from './build-if-stale.js';
import { type E2eLab, startE2eLab } from './lab.js';
import { type CliRun, offLoopback, runCli } from './run-cli.js';

/** The lab of the running file (a live binding, set in beforeAll). */
export let lab: E2eLab;

/** Builds the CLI if stale and starts the lab before the calling file's tests; closes it after. */
export function diagnoseLabForFile(): void {
  beforeAll(async () => {
    buildIfStale();
    lab = await startE2eLab();
  }, 120_000);
  afterAll(async () => {
    await lab?.close();
  });
}

export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CHECK502_DNS_SERVERS: `127.0.0.1:${lab.dns.port}`,
    CHECK502_ALLOW_PRIVATE_NETS: '127.0.0.0/8',
    NODE_EXTRA_CA_CERTS: lab.caFile,
    NO_COLOR: '1',
    ...extra,
  };
}

export function apiEnv(): Record<string, string> {
  return { CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: lab.api.baseUrl };
}

export async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCli(args, baseEnv(env), { logDir: lab.dir });
  expect(run.signal, `the CLI was killed; stderr: ${run.stderr}`).toBeNull();
  expect(offLoopback(run.net)).toEqual([]);
  return run;
}

export interface Diagnosed extends CliRun {
  report: Report;
}

/** `diagnose --json`: the whole stdout must be one JSON document. */
export async function diagnoseJson(args: string[], env: Record<string, string> = {}): Promise<Diagnosed> {
  const run = await cli(['diagnose', lab.url, '--json', '--timeout', '2', ...args], env);
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${run.code}): ${run.stdout.slice(0, 500)}\n${run.stderr}`,
    );
  }
  return { ...run, report };
}

/** No token: the origin named with --origin, the edge forwarding to it like Cloudflare. */
export async function direct(
  name: LabOriginName,
  edge: EdgeBehaviour = lab.proxyTo(name),
): Promise<Diagnosed> {
  lab.edge.setBehaviour(edge);
  return diagnoseJson(['--origin', lab.origins.origins[name].address]);
}

/** With the fake API: the zone's record points at the lab origin, in the given SSL mode. */
export async function viaApi(name: LabOriginName, ssl: string, edge: EdgeBehaviour): Promise<Diagnosed> {
  lab.api.scenario = lab.zone({ type: 'A', content: lab.origins.origins[name].address }, ssl);
  lab.edge.setBehaviour(edge);
  return diagnoseJson([], apiEnv());
}

export const find = (report: Report, code: string): Finding => {
  const found = report.findings.find((f) => f.code === code);
  if (!found) throw new Error(`no ${code} finding; got ${report.findings.map((f) => f.code).join(', ')}`);
  return found;
};
export const problems = (report: Report) =>
  report.findings.filter((f) => f.severity === 'warn' || f.severity === 'error').map((f) => f.code);

export function expectFailing(run: Diagnosed, cause: string): Finding {
  expect(run.report.primaryCause, JSON.stringify(problems(run.report))).toBe(cause);
  expect(run.report.verdict).toBe('failing');
  expect(run.code).toBe(1);
  const primary = find(run.report, cause);
  expect(primary.severity).toBe('error');
  expect(primary.remediation.length).toBeGreaterThan(0);
  return primary;
}

export function expectEdgeCode(report: Report, code: number): void {
  const edge = find(report, 'edge.error');
  expect(edge.evidence['cloudflareErrorCode']).toBe(code);
  expect(edge.evidence['rayId']).toMatch(/^[0-9a-f]{16}$/);
}
