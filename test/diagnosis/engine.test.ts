import { describe, expect, it } from 'vitest';
import type { AnyCheck, Check, CheckContext } from '../../src/diagnosis/check.js';
import { diagnose } from '../../src/diagnosis/engine.js';
import type { CloudflareFacts } from '../../src/diagnosis/facts.js';
import type { Ports } from '../../src/diagnosis/ports.js';
import type { CheckSummary } from '../../src/diagnosis/report.js';
import { parseSite } from '../../src/diagnosis/target.js';
import { reported } from '../support/findings.js';

// The engine is exercised with small checks written here: they are the engine's input, the way
// real checks plug in, and let the tests control timing and failure exactly.
const target = (() => {
  const r = parseSite('shop.example.com');
  if (!r.ok) throw new Error(r.reason);
  return r.target;
})();
const ports = {
  clock: { now: () => new Date('2026-11-23T10:00:00Z') },
} as unknown as Ports;
const options = { timeoutMs: 1000 };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

function okCheck(name: 'edge' | 'publicDns', ms: number, log: string[]): AnyCheck {
  return {
    name,
    async run(ctx: CheckContext) {
      log.push(`start ${name}`);
      await sleep(ms, ctx.signal);
      log.push(`end ${name}`);
      return {
        status: 'passed',
        findings: [
          reported({
            code: name === 'edge' ? 'edge.ok' : 'dns.public_ok',
            severity: 'ok',
            title: name,
            detail: '',
          }),
        ],
      };
    },
  } as AnyCheck;
}

describe('diagnose', () => {
  it('runs independent checks concurrently and dependants after what they need', async () => {
    const log: string[] = [];
    let seen: CloudflareFacts | undefined;
    const cloudflare: Check<'cloudflare'> = {
      name: 'cloudflare',
      async run() {
        log.push('start cloudflare');
        await sleep(60);
        log.push('end cloudflare');
        return {
          status: 'passed',
          findings: [],
          facts: { origins: [{ address: '192.0.2.1', source: 'dns' }], sslMode: 'strict' },
        };
      },
    };
    const origin: Check<'origin'> = {
      name: 'origin',
      needs: ['cloudflare'],
      async run(ctx) {
        log.push('start origin');
        seen = ctx.facts.cloudflare;
        return { status: 'passed', findings: [], facts: { observations: [] } };
      },
    };
    const report = await diagnose(target, options, ports, [
      okCheck('edge', 60, log),
      cloudflare,
      origin as AnyCheck,
    ]);
    expect(log.indexOf('start cloudflare')).toBeLessThan(log.indexOf('end edge'));
    expect(log.indexOf('start origin')).toBeGreaterThan(log.indexOf('end cloudflare'));
    expect(seen?.sslMode).toBe('strict');
    expect(report.checks.map((c) => c.name)).toEqual(['edge', 'cloudflare', 'origin']);
    expect(report.verdict).toBe('healthy');
    expect(report.primaryCause).toBeNull();
    expect(report.startedAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('turns a check that overruns its budget into an errored check and still reports', async () => {
    const slow: AnyCheck = { ...okCheck('edge', 10_000, []), budgetMs: () => 50 } as AnyCheck;
    const report = await diagnose(target, options, ports, [slow, okCheck('publicDns', 5, [])]);
    expect(report.checks.find((c) => c.name === 'edge')?.status).toBe('errored');
    const timedOut = report.findings.find((f) => f.code === 'check.timed_out');
    expect(timedOut?.evidence).toMatchObject({ check: 'edge', budgetMs: 50 });
    expect(timedOut?.remediation.length).toBeGreaterThan(0);
    expect(report.findings.some((f) => f.code === 'dns.public_ok')).toBe(true);
    expect(report.verdict).toBe('degraded');
  });

  it('turns a check that throws into an errored check; dependants run without its facts', async () => {
    const broken: AnyCheck = {
      name: 'cloudflare',
      run: async () => {
        throw new Error('boom: unexpected answer');
      },
    } as AnyCheck;
    let ran = false;
    const origin = {
      name: 'origin',
      needs: ['cloudflare'],
      async run(ctx: CheckContext) {
        ran = ctx.facts.cloudflare === undefined;
        return { status: 'skipped', findings: [] };
      },
    } as AnyCheck;
    const report = await diagnose(target, options, ports, [broken, origin]);
    expect(ran).toBe(true);
    const errored = report.findings.find((f) => f.code === 'check.errored');
    expect(errored?.detail).toContain('boom: unexpected answer');
    expect(report.checks.map((c) => c.status)).toEqual(['errored', 'skipped']);
    expect(report.verdict).toBe('unknown');
  });

  it('streams each check as it ends, before the report', async () => {
    const seen: CheckSummary[] = [];
    const report = await diagnose(
      target,
      options,
      ports,
      [okCheck('edge', 40, []), okCheck('publicDns', 1, [])],
      {
        onCheck: (summary) => seen.push(summary),
      },
    );
    expect(seen.map((s) => s.name)).toEqual(['publicDns', 'edge']);
    expect(report.checks).toHaveLength(2);
  });

  it('tells a trailing check when every other check has ended, and waits for it no longer than that', async () => {
    const trailing: Check<'keepAlive'> = {
      name: 'keepAlive',
      trailing: true,
      async run(ctx) {
        // An open-ended watch (ten times the other checks' time) that ends when the others have.
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          ctx.othersDone?.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          });
        });
        return { status: 'passed', findings: [] };
      },
    };
    const started = performance.now();
    const report = await diagnose(target, options, ports, [okCheck('edge', 100, []), trailing]);
    const took = performance.now() - started;
    expect(report.checks.map((c) => c.name)).toEqual(['edge', 'keepAlive']);
    expect(took).toBeGreaterThanOrEqual(90);
    expect(took).toBeLessThan(800);
  });

  it('survives a listener that throws', async () => {
    const report = await diagnose(target, options, ports, [okCheck('edge', 1, [])], {
      onCheck: () => {
        throw new Error('chat is down');
      },
    });
    expect(report.verdict).toBe('healthy');
  });

  it('names the earliest error in the causal chain as the primary cause', async () => {
    const failing = (name: 'edge' | 'origin', code: 'edge.error' | 'origin.connection_refused'): AnyCheck =>
      ({
        name,
        run: async () => ({
          status: 'failed',
          findings: [reported({ code, severity: 'error', title: code, detail: '' })],
        }),
      }) as AnyCheck;
    const report = await diagnose(target, options, ports, [
      failing('edge', 'edge.error'),
      failing('origin', 'origin.connection_refused'),
    ]);
    expect(report.verdict).toBe('failing');
    expect(report.primaryCause).toBe('origin.connection_refused');
  });
});
