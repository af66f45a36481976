// The sampling checks against the misbehaving-origin lab: real sockets, real TLS, real timings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../../../src/diagnosis/check.js';
import { createKeepAliveCheck } from '../../../../src/diagnosis/checks/keepalive/index.js';
import { createOriginSamplesCheck } from '../../../../src/diagnosis/checks/origin-samples/index.js';
import type { CheckName, SslMode } from '../../../../src/diagnosis/facts.js';
import type { Finding } from '../../../../src/diagnosis/finding.js';
import type { Ports } from '../../../../src/diagnosis/ports.js';
import { parseSite } from '../../../../src/diagnosis/target.js';
import { createAddressPolicy } from '../../../../src/probes/address-policy.js';
import { createKeepAliveProber } from '../../../../src/probes/keepalive-prober.js';
import { createOriginProber } from '../../../../src/probes/origin-prober.js';
import { type OriginLab, startOriginLab } from '../../../fakes/origin-lab.js';
import type { LabOriginName } from '../../../fakes/origin-lab-origins.js';

let lab: OriginLab;
const policy = createAddressPolicy(['127.0.0.0/8']);

beforeAll(async () => {
  lab = await startOriginLab({
    site: 'shop.example.com',
    only: [
      'healthy',
      'refused',
      'flakyReset',
      'flaky502',
      'flakySlow',
      'resetOnReuse',
      'noKeepAlive',
      'idleClose',
      'idleCloseHinted',
    ],
  });
});
afterAll(async () => {
  await lab?.close();
});

function ports(): Ports {
  const unused = () => {
    throw new Error('not used');
  };
  const resolve = async () => [];
  return {
    resolver: { resolve: unused },
    edge: { probe: unused },
    origin: createOriginProber({ policy, resolve, extraCa: [lab.ca] }),
    keepAlive: createKeepAliveProber({ policy, resolve }),
    addresses: policy,
    clock: { now: () => new Date() },
  };
}

async function run<N extends CheckName>(
  check: Check<N>,
  name: LabOriginName,
  opts: { samples?: number; mode?: SslMode; timeoutMs?: number; othersDone?: AbortSignal } = {},
) {
  const parsed = parseSite('https://shop.example.com/');
  if (!parsed.ok) throw new Error(parsed.reason);
  const options = { timeoutMs: opts.timeoutMs ?? 4000, ...(opts.samples ? { samples: opts.samples } : {}) };
  return check.run({
    target: parsed.target,
    options,
    ports: ports(),
    signal: AbortSignal.timeout(check.budgetMs!(options)),
    ...(opts.othersDone ? { othersDone: opts.othersDone } : {}),
    facts: {
      cloudflare: {
        origins: [{ address: lab.origins[name].address, source: 'dns' }],
        sslMode: opts.mode ?? 'strict',
      },
    },
  });
}

const labPorts = () => ({ ports: { http: lab.httpPort, https: lab.httpsPort } });
const byCode = (findings: Finding[], code: string) => findings.find((f) => f.code === code);

describe('origin samples', () => {
  it('a healthy origin: every sample answers, with the time to first byte', async () => {
    const result = await run(createOriginSamplesCheck(labPorts()), 'healthy');
    expect(result.findings.map((f) => `${f.code}:${f.severity}`)).toEqual(['origin.sampled:ok']);
    const evidence = result.findings[0]!.evidence;
    expect(evidence['total']).toBe(10); // 5 fresh + 5 on the kept-alive connection
    expect(evidence['reused']).toEqual({ total: 5, failed: 0 });
    const ttfb = evidence['ttfbMs'] as { min: number; median: number; max: number };
    expect(ttfb.min).toBeLessThanOrEqual(ttfb.median);
    expect(ttfb.median).toBeLessThanOrEqual(ttfb.max);
  });

  it('an origin resetting one connection in three is intermittent, with the reset as the failure mode', async () => {
    const result = await run(createOriginSamplesCheck(labPorts()), 'flakyReset');
    expect(result.status).toBe('failed');
    const intermittent = byCode(result.findings, 'origin.intermittent')!;
    expect(intermittent.severity).toBe('error');
    expect(intermittent.evidence['failureCode']).toBe('origin.connection_reset');
    const samples = intermittent.evidence['samples'] as { outcome: string }[];
    expect(samples).toHaveLength(10);
    expect(samples.filter((s) => s.outcome === 'reset').length).toBe(intermittent.evidence['failed']);
    expect(intermittent.evidence['failed']).toBeGreaterThan(0);
    expect(intermittent.remediation.length).toBeGreaterThan(0);
    const mode = byCode(result.findings, 'origin.connection_reset')!;
    expect(mode.severity).toBe('error');
    expect(mode.title).toMatch(/^Intermittent: /);
  });

  it('an origin answering one connection in three with 502 is intermittent 5xx', async () => {
    const result = await run(createOriginSamplesCheck(labPorts()), 'flaky502');
    const intermittent = byCode(result.findings, 'origin.intermittent')!;
    expect(intermittent.evidence['failureCode']).toBe('origin.http_5xx');
    expect(byCode(result.findings, 'origin.http_5xx')!.title).toMatch(
      /^Intermittent: the origin itself answers 502/,
    );
  });

  it('an origin that resets only reused connections is intermittent, only on the reused connection', async () => {
    const result = await run(createOriginSamplesCheck(labPorts()), 'resetOnReuse');
    const intermittent = byCode(result.findings, 'origin.intermittent')!;
    expect(intermittent.evidence['failureCode']).toBe('origin.connection_reset');
    expect(intermittent.evidence['pattern']).toBe('reused_only');
    expect(intermittent.title).toMatch(/only on a reused connection/);
    expect(intermittent.evidence['fresh']).toEqual({ total: 5, failed: 0 });
  });

  it('an origin slow on one connection in three is intermittent with no answer in time (a 524 at the edge)', async () => {
    const result = await run(createOriginSamplesCheck(labPorts()), 'flakySlow', { timeoutMs: 2000 });
    const intermittent = byCode(result.findings, 'origin.intermittent')!;
    expect(intermittent.evidence['failureMode']).toBe('response_timeout');
    expect(intermittent.detail).toMatch(/524/);
  });

  it('an origin that refuses every time is consistent, not intermittent', async () => {
    const result = await run(createOriginSamplesCheck(labPorts()), 'refused');
    expect(result.findings.map((f) => `${f.code}:${f.severity}`)).toEqual(['origin.sampled:info']);
  });

  it('--samples 1 is a single glance: nothing sampled', async () => {
    const result = await run(createOriginSamplesCheck(labPorts()), 'flakyReset', { samples: 1 });
    expect(result.status).toBe('skipped');
  });

  it('takes --samples N fresh samples spread over about a second', async () => {
    const result = await run(createOriginSamplesCheck(labPorts()), 'healthy', { samples: 8 });
    const samples = result.facts!.samples.filter((s) => s.kind === 'fresh');
    expect(samples).toHaveLength(8);
    const last = Math.max(...samples.map((s) => s.atMs));
    expect(last).toBeGreaterThanOrEqual(700);
    expect(last).toBeLessThan(1600);
  });
});

describe('keep-alive', () => {
  it('an origin that keeps connections open is ok', async () => {
    // A 3 s budget watches 2 s of idle (a second is kept for the last request).
    const result = await run(createKeepAliveCheck(labPorts()), 'healthy', { timeoutMs: 3000 });
    expect(result.findings.map((f) => `${f.code}:${f.severity}`)).toEqual(['origin.keepalive_ok:ok']);
    expect(result.findings[0]!.evidence['exchanges']).toHaveLength(2);
  });

  it('Connection: close is keep-alive disabled, with the servers to fix named', async () => {
    const started = performance.now();
    const result = await run(createKeepAliveCheck(labPorts()), 'noKeepAlive');
    expect(performance.now() - started).toBeLessThan(1500);
    const f = byCode(result.findings, 'origin.keepalive_disabled')!;
    expect(f.severity).toBe('warn');
    expect(f.evidence['connectionHeader']).toBe('close');
    expect(f.remediation.join(' ')).toMatch(/keepalive_timeout/);
    expect(f.remediation.join(' ')).toMatch(/KeepAliveTimeout/);
    expect(f.remediation.join(' ')).toMatch(/keepAliveTimeout/);
  });

  it('an origin closing idle connections after 2 s is flagged, measured', async () => {
    const result = await run(createKeepAliveCheck(labPorts()), 'idleClose', { timeoutMs: 8000 });
    const f = byCode(result.findings, 'origin.keepalive_closed_early')!;
    expect(f.severity).toBe('warn');
    const closedAfter = f.evidence['closedAfterIdleMs'] as number;
    expect(closedAfter).toBeGreaterThanOrEqual(1800);
    expect(closedAfter).toBeLessThan(3000);
  });

  it('an announced 3 s timeout is waited for just past it, and confirmed', async () => {
    const started = performance.now();
    const result = await run(createKeepAliveCheck(labPorts()), 'idleCloseHinted', { timeoutMs: 10_000 });
    const f = byCode(result.findings, 'origin.keepalive_closed_early')!;
    expect(f.evidence['keepAliveHeader']).toBe('timeout=3');
    expect(f.evidence['idlePlannedMs']).toBe(4000);
    expect(performance.now() - started).toBeLessThan(4500);
  });

  it('the idle watch ends when the other checks have, with what it saw so far', async () => {
    const started = performance.now();
    const result = await run(createKeepAliveCheck(labPorts()), 'healthy', {
      timeoutMs: 10_000,
      othersDone: AbortSignal.timeout(600),
    });
    expect(performance.now() - started).toBeLessThan(1500);
    const f = byCode(result.findings, 'origin.keepalive_ok')!;
    expect(f.severity).toBe('ok');
    expect(f.evidence['exchanges']).toHaveLength(1); // no request after a cut-short watch
    expect(result.facts!.observation.idleCutShort).toBe(true);
  });

  it('an announced short idle timeout is flagged as announced when the watch ends before it', async () => {
    const started = performance.now();
    const result = await run(createKeepAliveCheck(labPorts()), 'idleCloseHinted', {
      timeoutMs: 10_000,
      othersDone: AbortSignal.timeout(600),
    });
    expect(performance.now() - started).toBeLessThan(1500);
    const f = byCode(result.findings, 'origin.keepalive_closed_early')!;
    expect(f.severity).toBe('warn');
    expect(f.evidence['announcedIdleTimeoutS']).toBe(3);
    expect(f.title).toMatch(/announces/);
  });

  it('the idle watch stays inside a short budget', async () => {
    const started = performance.now();
    const result = await run(createKeepAliveCheck(labPorts()), 'idleClose', { timeoutMs: 1500 });
    expect(performance.now() - started).toBeLessThan(1500 + 2000);
    expect(result.findings.map((f) => f.code)).toEqual(['origin.keepalive_ok']);
  });
});
