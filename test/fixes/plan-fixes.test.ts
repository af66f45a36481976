// Which fixes a report's evidence supports, and exactly what each previews.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnosis/finding.js';
import type { Report } from '../../src/diagnosis/report.js';
import { previewText } from '../../src/fixes/fix-plan.js';
import { planFixes } from '../../src/fixes/plan-fixes.js';
import { reported } from '../support/findings.js';
import { sslStrictChange } from './support/broken-by-a-change.js';

const zoneOk = reported({
  code: 'cloudflare.zone_ok',
  severity: 'ok',
  title: 'Zone example.com is active',
  detail: '',
  evidence: { zone: 'example.com', zoneId: 'z1', accountId: 'a1' },
});
const sslMode = (mode: string) =>
  reported({ code: 'ssl.mode', severity: 'info', title: 'SSL', detail: '', evidence: { mode } });

function report(...findings: Finding[]): Report {
  return {
    site: 'shop.example.com',
    url: 'https://shop.example.com/cart',
    verdict: 'failing',
    primaryCause: null,
    findings: [zoneOk, ...findings],
    checks: [],
    startedAt: new Date().toISOString(),
    durationMs: 1,
    cloudflareApiCalls: 5,
  };
}

const untrusted = reported({
  code: 'origin.tls_cert_untrusted',
  severity: 'error',
  title: 'self-signed',
  detail: '',
});

describe('planFixes', () => {
  it('Full (strict) with a self-signed origin: Full while fixed, saying what it gives up', () => {
    const plans = planFixes(report(sslMode('strict'), untrusted));
    expect(plans.map((p) => p.action)).toEqual(['ssl-full']);
    expect(previewText(plans[0]!)).toMatch(
      /^SSL\/TLS mode: strict → full\nGives up: Cloudflare stops validating/,
    );
  });

  it('a suspect setting change rolls back to its previous value (one plan, not two for the same write)', () => {
    const change = sslStrictChange(0);
    const suspect = reported({
      code: 'change.suspect',
      severity: 'error',
      title: 't',
      detail: 'd',
      evidence: { change },
    });
    const plans = planFixes(report(sslMode('strict'), untrusted, suspect));
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ action: 'rollback', from: 'strict', to: 'full' });
    expect(plans[0]?.givesUp).toContain('stops validating');
  });

  it('nothing is offered without the evidence: healthy report, no zone, strict with a good certificate', () => {
    expect(planFixes(report(sslMode('strict')))).toEqual([]);
    expect(planFixes({ ...report(untrusted), findings: [sslMode('strict'), untrusted] })).toEqual([]);
  });

  it('a cached error purges exactly the failing URL; broken HTTP/2 turns HTTP/2 to origin off', () => {
    const cached = reported({
      code: 'edge.cached_error' as Finding['code'],
      severity: 'warn',
      title: 'cached 502',
      detail: '',
    });
    const h2 = reported({
      code: 'origin.http2_broken' as Finding['code'],
      severity: 'error',
      title: 'h2',
      detail: '',
    });
    const plans = planFixes(report(sslMode('full'), cached, h2));
    expect(plans.map((p) => [p.action, p.target])).toEqual([
      ['purge', { kind: 'purge', zoneId: 'z1', urls: ['https://shop.example.com/cart'] }],
      [
        'http2-off',
        { kind: 'setting', zoneId: 'z1', setting: 'origin_max_http_version', from: '2', to: '1' },
      ],
    ]);
  });

  it('load balancing: disable the failing origin of a degraded pool; enable a disabled fallback when defaults are down', () => {
    const degraded = reported({
      code: 'lb.pool_unhealthy',
      severity: 'warn',
      title: 'pool degraded',
      detail: '',
      evidence: {
        pools: [
          {
            id: 'p1',
            name: 'primary',
            role: 'default',
            enabled: true,
            healthy: true,
            minimumOrigins: 1,
            unhealthyOrigins: [{ name: 'web2', address: '192.0.2.11', regions: ['WEU'], checkedIn: 1 }],
          },
        ],
      },
    });
    expect(planFixes(report(degraded)).map((p) => [p.action, p.what])).toEqual([
      ['disable-origin', 'Origin web2 (192.0.2.11) in pool primary'],
    ]);
    const down = reported({
      code: 'lb.no_healthy_pool',
      severity: 'error',
      title: 'all down',
      detail: '',
      evidence: {
        pools: [
          {
            id: 'p1',
            name: 'primary',
            role: 'default',
            enabled: true,
            healthy: false,
            minimumOrigins: 1,
            unhealthyOrigins: [{ name: 'web1', address: '192.0.2.10', regions: ['WEU'], checkedIn: 1 }],
          },
          {
            id: 'p2',
            name: 'backup',
            role: 'fallback',
            enabled: false,
            healthy: undefined,
            minimumOrigins: 1,
            unhealthyOrigins: [],
          },
        ],
      },
    });
    const plans = planFixes(report(down));
    expect(plans.map((p) => [p.action, p.from, p.to])).toEqual([['enable-fallback', 'disabled', 'enabled']]);
  });
});
