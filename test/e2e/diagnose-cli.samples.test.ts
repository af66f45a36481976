// `check502 diagnose` end to end (the built CLI in a fresh process against the loopback lab) on what
// one probe misses: origins failing now and then (at random, in bursts, slow, on reused connections)
// named as intermittent, --samples 1, keep-alive off, and the --watch and --samples arguments.

import { describe, expect, it } from 'vitest';
import {
  cli,
  type Diagnosed,
  diagnoseJson,
  diagnoseLabForFile,
  direct,
  find,
  lab,
  problems,
} from './support/diagnose-cli.js';

diagnoseLabForFile();

describe('check502 diagnose samples what one probe misses', () => {
  // The lab origins below fail whoever connects (the edge or the prober), as a real origin would:
  // by a seeded random draw per connection, in bursts, or on reused connections only. When every
  // direct sample happens to land on a good connection, the edge's 520s still name the origin.
  const namesTheOrigin = (run: Diagnosed, failureCode: string, edgeCode: number) => {
    expect(run.code).toBe(1);
    expect(run.report.verdict).toBe('failing');
    const cause = run.report.primaryCause;
    expect([failureCode, 'origin.intermittent'], JSON.stringify(problems(run.report))).toContain(cause);
    const intermittent = find(run.report, 'origin.intermittent');
    expect(intermittent.severity).toBe('error');
    expect(intermittent.evidence['failureRatePercent']).toBeGreaterThan(0);
    expect(intermittent.evidence['failureRatePercent']).toBeLessThan(100);
    if (cause === failureCode) {
      // Seen directly: the failure mode is the primary cause, qualified as intermittent.
      const modes = run.report.findings.filter((f) => f.code === failureCode);
      expect(modes.some((f) => f.title.startsWith('Intermittent: '))).toBe(true);
      expect(intermittent.evidence['failureCode']).toBe(failureCode);
    } else {
      // Seen only through the edge: the edge's code is the failure mode.
      expect(intermittent.evidence['failureMode']).toBe(`edge_${edgeCode}`);
      expect(intermittent.title).toMatch(/as Cloudflare reaches it/);
    }
    return intermittent;
  };

  it('an origin failing one connection in three at random is intermittent, with its failure mode', async () => {
    const run = await direct('flakyRandom');
    namesTheOrigin(run, 'origin.connection_reset', 520);
    expect(run.report.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['originSamples', 'edgeSamples', 'keepAlive']),
    );
  });

  it('an origin failing in bursts is intermittent, with its failure mode', async () => {
    namesTheOrigin(await direct('flakyBurst'), 'origin.connection_reset', 520);
  });

  it('an origin slow on one connection in three is intermittent: no answer in time, a 524 at the edge', async () => {
    const intermittent = namesTheOrigin(await direct('flakySlow'), 'origin.response_timeout', 524);
    if (intermittent.evidence['failureMode'] !== 'edge_524')
      expect(intermittent.evidence['failureMode']).toBe('response_timeout');
  });

  it('an origin that resets reused connections only is intermittent, on the reused connection', async () => {
    const run = await direct('resetOnReuse');
    const intermittent = namesTheOrigin(run, 'origin.connection_reset', 520);
    expect(intermittent.evidence['pattern']).toBe('reused_only');
  });

  it('--samples 1 is the single glance of old', async () => {
    const run = await diagnoseJson(['--origin', lab.origins.origins.healthy.address, '--samples', '1']);
    expect(run.report.findings.map((f) => f.code)).not.toContain('origin.sampled');
    expect(run.report.checks.find((c) => c.name === 'originSamples')?.status).toBe('skipped');
  });

  it('keep-alive off is a warning naming the settings', async () => {
    const run = await direct('noKeepAlive');
    expect(run.code).toBe(0);
    expect(run.report.verdict).toBe('degraded');
    expect(run.report.primaryCause).toBe('origin.keepalive_disabled');
    expect(find(run.report, 'origin.keepalive_disabled').remediation.join(' ')).toMatch(/keepalive_timeout/);
  });

  it('rejects a --watch that is not a duration', async () => {
    const run = await cli(['diagnose', lab.url, '--watch', 'forever']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--watch/);
  });

  it('rejects --samples 0', async () => {
    const run = await cli(['diagnose', lab.url, '--samples', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--samples/);
  });
});
