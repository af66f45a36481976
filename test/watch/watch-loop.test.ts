// The watch, driven with scripted reports and a fake clock: only changes are printed, one recovery
// line ends it, and the closing text names the time to recovery and the first healthy run.
import { describe, expect, it } from 'vitest';
import { runWatchLoop } from '../../src/cli/watch-loop.js';
import type { Finding } from '../../src/diagnosis/finding.js';
import type { Report } from '../../src/diagnosis/report.js';
import { observe, outcomeText, parseDuration, startWatch } from '../../src/watch/watch-state.js';

const T0 = Date.parse('2026-11-30T10:28:00Z');

function report(cause: Finding['code'] | null): Report {
  const findings: Finding[] = cause
    ? [
        {
          code: cause,
          severity: 'error',
          title: `title of ${cause}`,
          detail: '',
          evidence: {},
          remediation: [],
        },
      ]
    : [];
  return {
    site: 'shop.example.com',
    url: 'https://shop.example.com/',
    verdict: cause ? 'failing' : 'healthy',
    primaryCause: cause,
    findings,
    checks: [],
    startedAt: new Date(T0).toISOString(),
    durationMs: 1,
    cloudflareApiCalls: 0,
  };
}

async function watch(script: (Finding['code'] | null)[], durationMs = 30 * 60_000) {
  let clock = T0;
  const lines: string[] = [];
  let firsts = 0;
  let i = 0;
  const state = await runWatchLoop({
    site: 'shop.example.com',
    durationMs,
    run: async () => report(script[Math.min(i++, script.length - 1)] ?? null),
    printFirst: () => firsts++,
    print: (line) => lines.push(line),
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
  });
  return { state, lines, firsts, runs: i };
}

describe('watch', () => {
  it('a site that recovers: one line when the cause changes, one recovery line, nothing else', async () => {
    const { state, lines, firsts } = await watch([
      'origin.connection_refused',
      'origin.connection_refused',
      'origin.http_5xx',
      'origin.http_5xx',
      null,
      null,
      null,
    ]);
    expect(firsts).toBe(1);
    expect(state.outcome).toBe('recovered');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/run 3: now origin\.http_5xx/);
    // Runs at +0, +30 s, +1.5, +2.5, +3.5 (first healthy), +4.5, +5.5 min.
    expect(lines[1]).toMatch(/recovered after 4 min \(first healthy 10:31:30\)/);
  });

  it('a site that stays down ends "still failing after 30 min"', async () => {
    const { state, lines, runs } = await watch(['origin.connection_refused']);
    expect(state.outcome).toBe('timed_out');
    expect(lines).toEqual([expect.stringMatching(/still failing after 30 min/)]);
    expect(runs).toBeGreaterThan(25);
    expect(runs).toBeLessThan(35);
  });

  it('a relapse during the confirmation is told, and the streak starts over', async () => {
    const { state, lines } = await watch(['tunnel.down', null, 'tunnel.down', null, null, null]);
    expect(lines[0]).toMatch(/failing again: tunnel\.down/);
    expect(state.outcome).toBe('recovered');
  });

  it('healthy from the start is not called a recovery', async () => {
    const { state, lines } = await watch([null]);
    expect(state.outcome).toBe('healthy');
    expect(lines[0]).toMatch(/healthy throughout/);
  });

  it('the outcome text of a recovery', () => {
    let s = startWatch('a', T0, 30 * 60_000);
    s = observe(s, report('origin.connection_refused'), T0).state;
    s = observe(s, report(null), T0 + 14 * 60_000 + 10_000).state;
    s = observe(s, report(null), T0 + 15 * 60_000).state;
    s = observe(s, report(null), T0 + 16 * 60_000).state;
    expect(outcomeText(s)).toBe('recovered after 14 min (first healthy 10:42:10)');
  });

  it('parses durations', () => {
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(parseDuration('2h')).toBe(2 * 3600_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('45')).toBe(45 * 60_000);
    expect(parseDuration('25h')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
  });
});
