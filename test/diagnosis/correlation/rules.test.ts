// Each correlation rule with constructed facts and findings (pure), through correlate() so the
// order of RULES and the cause-order fallback are exercised as the engine uses them.
import { describe, expect, it } from 'vitest';
import type { FindingCode } from '../../../src/diagnosis/codes.js';
import { correlate } from '../../../src/diagnosis/correlate.js';
import type { CorrelationInput } from '../../../src/diagnosis/correlation/rule.js';
import type { CloudflareFacts, EdgeFacts, Facts } from '../../../src/diagnosis/facts.js';
import type { Finding, Severity } from '../../../src/diagnosis/finding.js';
import type { OriginObservation } from '../../../src/diagnosis/ports.js';
import { hasSteps } from '../../../src/diagnosis/remediation/catalogue.js';
import { parseSite } from '../../../src/diagnosis/target.js';
import { reported } from '../../support/findings.js';
import { edgeFacts, originObservation } from '../../support/observations.js';

const parsed = parseSite('shop.example.com');
if (!parsed.ok) throw new Error('bad target');
const target = parsed.target;

function f(code: FindingCode, severity: Severity = 'error', evidence: Record<string, unknown> = {}): Finding {
  return reported({ code, severity, title: code, detail: `${code}.`, evidence });
}

const edge = (status: number, code?: number, extra: Partial<EdgeFacts> = {}) =>
  edgeFacts(status, code, { observation: { url: 'https://shop.example.com/', totalMs: 10 }, ...extra });
const obs = (
  outcome: OriginObservation['outcome'],
  port: number,
  tls: boolean,
  http?: { status: number; headers?: Record<string, string> },
) => originObservation(outcome, { port, tls, address: '192.0.2.10', host: 'shop.example.com' }, http);

function run(facts: Partial<Facts>, findings: Finding[]) {
  const input: CorrelationInput = { target, facts, findings, checks: [] };
  return correlate(input);
}

const cf = (extra: Partial<CloudflareFacts> = {}): CloudflareFacts => ({
  origins: [{ address: '192.0.2.10', source: 'dns' }],
  ...extra,
});

describe('a record at a private address', () => {
  it('explains everything after it, even an origin that refuses', () => {
    const out = run({ edge: edge(522, 522), cloudflare: cf() }, [
      f('edge.error'),
      f('origin.connection_refused'),
      f('dns.origin_private_address', 'error', { address: '10.0.0.5' }),
    ]);
    expect(out.primaryCause).toBe('dns.origin_private_address');
    expect(out.findings.find((x) => x.code === 'edge.error')?.detail).toContain('10.0.0.5');
  });
});

describe('tunnel down', () => {
  it('explains the edge 530/1033', () => {
    const out = run({ edge: edge(530, 1033) }, [
      f('edge.error'),
      f('tunnel.down'),
      f('analytics.edge_5xx', 'warn'),
    ]);
    expect(out.primaryCause).toBe('tunnel.down');
    expect(out.findings.find((x) => x.code === 'edge.error')?.detail).toContain('1033');
  });

  it('says so when the edge disagrees instead of guessing', () => {
    const out = run({ edge: edge(200) }, [f('edge.ok', 'ok'), f('tunnel.down')]);
    expect(out.findings.find((x) => x.code === 'tunnel.down')?.detail).toContain(
      'Yet the edge answered HTTP 200',
    );
  });
});

describe('healthy tunnel with an edge 502', () => {
  const tunnel = {
    id: 't1',
    name: 'shop-prod',
    status: 'healthy',
    activeConnections: 4,
    service: 'http://localhost:8080',
  };

  it('adds tunnel.service_unreachable quoting the service, as the cause', () => {
    const out = run({ edge: edge(502, 502), cloudflare: cf({ origins: [], tunnel }) }, [
      f('edge.error'),
      f('tunnel.ok', 'ok'),
    ]);
    const added = out.findings.find((x) => x.code === 'tunnel.service_unreachable');
    expect(added?.severity).toBe('error');
    expect(added?.title).toContain('http://localhost:8080');
    expect(added?.remediation.join('\n')).toContain('curl -sv http://localhost:8080');
    expect(out.primaryCause).toBe('tunnel.service_unreachable');
  });

  it('does nothing when the edge is fine', () => {
    const out = run({ edge: edge(200), cloudflare: cf({ origins: [], tunnel }) }, [f('tunnel.ok', 'ok')]);
    expect(out.findings.map((x) => x.code)).not.toContain('tunnel.service_unreachable');
    expect(out.primaryCause).toBeNull();
  });

  it('says when the configuration is local and the service unknown', () => {
    const { service: _s, ...local } = tunnel;
    const out = run({ edge: edge(502, 502), cloudflare: cf({ origins: [], tunnel: local }) }, [
      f('edge.error'),
    ]);
    expect(out.findings.find((x) => x.code === 'tunnel.service_unreachable')?.detail).toContain(
      'configuration is local',
    );
  });
});

describe('origin blocks Cloudflare', () => {
  it('an origin answering the bot while the edge shows 521 is blocking Cloudflare, with the ranges to allow', () => {
    const out = run(
      {
        edge: edge(521, 521),
        cloudflare: cf({
          ipRanges: { ipv4: ['173.245.48.0/20', '104.16.0.0/13'], ipv6: ['2400:cb00::/32'] },
        }),
        origin: { observations: [obs('response', 443, true, { status: 200 })] },
      },
      [f('edge.error')],
    );
    expect(out.primaryCause).toBe('origin.blocks_cloudflare');
    const added = out.findings.find((x) => x.code === 'origin.blocks_cloudflare');
    expect(added?.evidence).toMatchObject({
      rangesSource: 'api',
      ipv4: ['173.245.48.0/20', '104.16.0.0/13'],
    });
    expect(added?.remediation[0]).toContain('173.245.48.0/20, 104.16.0.0/13');
  });

  it('falls back to the bundled ranges without the API', () => {
    const out = run(
      { edge: edge(522, 522), origin: { observations: [obs('response', 443, true, { status: 200 })] } },
      [f('edge.error')],
    );
    const added = out.findings.find((x) => x.code === 'origin.blocks_cloudflare');
    expect(added?.evidence['rangesSource']).toBe('bundled');
    expect(added?.evidence['ipv4']).toEqual(expect.arrayContaining(['173.245.48.0/20']));
    expect(added?.detail).toContain('--origin');
  });

  it('under Full (strict) only the HTTPS connection counts: a closed port 80 does not hide the block', () => {
    const out = run(
      {
        edge: edge(521, 521),
        cloudflare: cf({ sslMode: 'strict' }),
        origin: { observations: [obs('response', 443, true, { status: 200 }), obs('refused', 80, false)] },
      },
      [f('edge.error')],
    );
    expect(out.primaryCause).toBe('origin.blocks_cloudflare');
  });

  it('an origin that refuses the bot too is not blamed on a firewall', () => {
    const out = run(
      { edge: edge(521, 521), cloudflare: cf(), origin: { observations: [obs('refused', 443, true)] } },
      [f('edge.error'), f('origin.connection_refused')],
    );
    expect(out.findings.map((x) => x.code)).not.toContain('origin.blocks_cloudflare');
    expect(out.primaryCause).toBe('origin.connection_refused');
  });
});

describe('Full SSL without origin HTTPS', () => {
  it('explains a 521 when 443 refuses and 80 answers', () => {
    const out = run(
      {
        edge: edge(521, 521),
        cloudflare: cf({ sslMode: 'full' }),
        origin: { observations: [obs('refused', 443, true), obs('response', 80, false, { status: 200 })] },
      },
      [f('edge.error'), f('origin.connection_refused')],
    );
    expect(out.primaryCause).toBe('ssl.origin_no_https');
    expect(out.findings.find((x) => x.code === 'ssl.origin_no_https')?.remediation.join(' ')).toContain(
      'SSL/TLS → Overview',
    );
  });

  it('is only a warning, with the ambiguity spelled out, when the edge serves fine', () => {
    const out = run(
      {
        edge: edge(200),
        cloudflare: cf({ sslMode: 'strict' }),
        origin: { observations: [obs('tls_failed', 443, true), obs('response', 80, false, { status: 200 })] },
      },
      [],
    );
    const added = out.findings.find((x) => x.code === 'ssl.origin_no_https');
    expect(added?.severity).toBe('warn');
    expect(added?.detail).toContain('Configuration Rule');
  });

  it('does not apply in Flexible mode', () => {
    const out = run(
      {
        cloudflare: cf({ sslMode: 'flexible' }),
        origin: { observations: [obs('refused', 443, true), obs('response', 80, false, { status: 200 })] },
      },
      [],
    );
    expect(out.findings.map((x) => x.code)).not.toContain('ssl.origin_no_https');
  });
});

describe('Full (strict) and a bad certificate', () => {
  it('explains a 526 and upgrades the certificate warning to an error', () => {
    const out = run({ edge: edge(526, 526), cloudflare: cf({ sslMode: 'strict' }) }, [
      f('edge.error'),
      f('origin.tls_cert_expired', 'warn'),
    ]);
    expect(out.primaryCause).toBe('origin.tls_cert_expired');
    expect(out.findings.find((x) => x.code === 'origin.tls_cert_expired')?.severity).toBe('error');
  });

  it('flags the mismatch when the zone says Full but the edge shows 526', () => {
    const out = run({ edge: edge(526, 526), cloudflare: cf({ sslMode: 'full' }) }, [
      f('edge.error'),
      f('origin.tls_cert_hostname_mismatch', 'warn'),
    ]);
    expect(out.primaryCause).toBe('origin.tls_cert_hostname_mismatch');
    expect(out.findings.find((x) => x.code === 'origin.tls_cert_hostname_mismatch')?.detail).toContain(
      'Configuration Rule',
    );
  });

  it('leaves a Full-mode certificate warning alone when the edge is fine', () => {
    const out = run({ edge: edge(200), cloudflare: cf({ sslMode: 'full' }) }, [
      f('origin.tls_cert_untrusted', 'warn'),
    ]);
    expect(out.findings[0]?.severity).toBe('warn');
  });
});

describe('no healthy pool', () => {
  it('explains the 530/1016', () => {
    const out = run({ edge: edge(530, 1016) }, [
      f('edge.error'),
      f('lb.no_healthy_pool'),
      f('origin.connect_timeout'),
    ]);
    expect(out.primaryCause).toBe('lb.no_healthy_pool');
  });
});

describe('Flexible redirect loop', () => {
  it('an origin redirecting HTTP to HTTPS under Flexible is a loop', () => {
    const out = run(
      {
        edge: edge(301),
        cloudflare: cf({ sslMode: 'flexible' }),
        origin: {
          observations: [
            obs('response', 80, false, { status: 301, headers: { location: 'https://shop.example.com/' } }),
          ],
        },
      },
      [],
    );
    expect(out.primaryCause).toBe('ssl.flexible_redirect_loop');
  });

  it('a redirect to another host is not a loop', () => {
    const out = run(
      {
        cloudflare: cf({ sslMode: 'flexible' }),
        origin: {
          observations: [
            obs('response', 80, false, { status: 302, headers: { location: 'https://login.example.org/' } }),
          ],
        },
      },
      [],
    );
    expect(out.findings).toEqual([]);
  });
});

describe('public DNS not Cloudflare', () => {
  const answer = (addresses: string[]) => ({
    answer: { host: 'shop.example.com', addresses, cnames: [], resolvers: ['127.0.0.1:53'] },
  });

  it('a proxied host resolving outside Cloudflare is flagged', () => {
    const out = run({ cloudflare: cf({ proxied: true }), publicDns: answer(['192.0.2.10']) }, []);
    const added = out.findings.find((x) => x.code === 'dns.public_not_cloudflare');
    expect(added?.severity).toBe('warn');
    expect(added?.remediation.length).toBeGreaterThan(0);
  });

  it('Cloudflare addresses are fine', () => {
    const out = run(
      { cloudflare: cf({ proxied: true }), publicDns: answer(['104.16.132.229', '2606:4700::6810:84e5']) },
      [],
    );
    expect(out.findings).toEqual([]);
  });

  it('a DNS-only host is not expected to resolve to Cloudflare', () => {
    const out = run({ cloudflare: cf({ proxied: false }), publicDns: answer(['192.0.2.10']) }, []);
    expect(out.findings).toEqual([]);
  });
});

describe('remediation', () => {
  it('every warn/error code of the Cloudflare side has steps', () => {
    const emitted: FindingCode[] = [
      'cloudflare.auth_failed',
      'cloudflare.api_unavailable',
      'cloudflare.rate_limited',
      'cloudflare.zone_not_found',
      'cloudflare.zone_inactive',
      'dns.record_missing',
      'dns.not_proxied',
      'dns.origin_private_address',
      'dns.public_not_cloudflare',
      'ssl.origin_no_https',
      'ssl.flexible_redirect_loop',
      'tunnel.down',
      'tunnel.degraded',
      'tunnel.service_unreachable',
      'tunnel.no_ingress_rule',
      'lb.pool_unhealthy',
      'lb.no_healthy_pool',
      'analytics.edge_5xx',
      'origin.blocks_cloudflare',
    ];
    expect(emitted.filter((c) => !hasSteps(c))).toEqual([]);
  });
});
