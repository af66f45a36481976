// A sweep of misbehaving origins, each a tiny loopback server, through the whole chain a user runs:
// the zone from the fake API (SSL mode, the record pointing at the origin), the edge as Cloudflare
// shows it for that origin (the documented 52x, or the origin's own page passed through), the real
// origin prober, and the engine. For each: the probe connects where Cloudflare would (the port the
// SSL mode implies), the primary cause is right, and a healthy origin raises no alarm.

import { describe, expect, it } from 'vitest';
import { ANSWER_CASES } from './misbehaving-origins/answer-cases.js';
import type { Case } from './misbehaving-origins/case.js';
import { CONNECTION_CASES } from './misbehaving-origins/connection-cases.js';
import { misbehavingOriginsLab } from './misbehaving-origins/lab.js';
import { run } from './misbehaving-origins/run-case.js';
import { TLS_CASES } from './misbehaving-origins/tls-cases.js';

misbehavingOriginsLab();

/** In this order: each case's index is its loopback address. */
const CASES: Case[] = [...CONNECTION_CASES, ...TLS_CASES, ...ANSWER_CASES];

describe('misbehaving origins, as Cloudflare reaches them', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_, c, i) => {
    const { report, seen } = await run(c, `127.0.0.${100 + i}`);
    const problems = report.findings.filter((f) => f.severity === 'error' || f.severity === 'warn');
    const summary = problems.map((f) => `${f.code}:${f.severity}`).join(', ');
    expect(seen[c.leg], `the probe connected to the ${c.leg} leg`).toBeGreaterThan(0);
    if (c.cause === null) {
      // Visitors are served: no error, at most a warning about a risk (e.g. a certificate Full ignores).
      expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual([]);
      expect(report.verdict).not.toBe('failing');
    } else {
      expect(report.primaryCause, summary).toBe(c.cause);
      if (c.samples)
        expect(
          report.findings.map((f) => f.code),
          summary,
        ).not.toContain('origin.intermittent');
      const cause = report.findings.find((f) => f.code === c.cause);
      expect(cause?.severity).toBe('error');
      expect(cause?.remediation.length).toBeGreaterThan(0);
    }
  });
});
