// Each correlation rule with constructed facts and findings (pure), through correlate() so the
// order of RULES and the cause-order fallback are exercised as the engine uses them.
// This file: a private address, tunnels, no healthy pool, public DNS, and remediation for every
// code of the Cloudflare side; the origin firewall and SSL rules in rules.origin-blocks-cloudflare
// and rules.ssl.test.ts.

import { describe, expect, it } from 'vitest';
import type { FindingCode } from '../../../src/diagnosis/codes.js';
import { hasSteps } from '../../../src/diagnosis/remediation/catalogue.js';
import { cf, edge, f, run } from './support/correlate-facts.js';

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
