// `check502 diagnose` end to end, as a user runs it: the BUILT CLI in a fresh process, its real
// configuration from the environment, real sockets against the loopback lab (fake DNS, fake edge,
// misbehaving origins, fake Cloudflare API), trust through NODE_EXTRA_CA_CERTS. Every scenario
// asserts the JSON report's verdict, primary cause, the finding's evidence and the exit code, and
// that nothing the child did left 127.0.0.0/8.
// This file: each failure the lab stages, from a healthy site to guarded addresses; the output
// formats and the modules loaded in diagnose-cli.output.test.ts, sampling in diagnose-cli.samples.test.ts.

import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/diagnosis/report.js';
import {
  apiEnv,
  cli,
  diagnoseJson,
  diagnoseLabForFile,
  direct,
  expectEdgeCode,
  expectFailing,
  find,
  lab,
  problems,
  viaApi,
} from './support/diagnose-cli.js';
import { SITE, TUNNEL_ID } from './support/lab.js';

diagnoseLabForFile();

describe('check502 diagnose (built CLI) against the loopback lab', () => {
  it('a healthy site is healthy, with no false alarm and exit 0', async () => {
    const run = await direct('healthy', lab.proxyTo('healthy', { strict: true }));
    expect(run.code, JSON.stringify(run.report.findings.filter((f) => f.severity === 'error'))).toBe(0);
    expect(run.report.verdict).toBe('healthy');
    expect(run.report.primaryCause).toBeNull();
    expect(problems(run.report)).toEqual([]);
    expect(find(run.report, 'edge.ok').severity).toBe('ok');
    expect(find(run.report, 'origin.ok').evidence['port']).toBe(lab.port);
    expect(run.stderr).toBe('');
  });

  it('a healthy site read through the Cloudflare API is healthy too', async () => {
    const run = await viaApi('healthy', 'strict', lab.proxyTo('healthy', { strict: true }));
    expect(problems(run.report)).toEqual([]);
    expect(run.report.verdict).toBe('healthy');
    expect(run.code).toBe(0);
    expect(find(run.report, 'origin.ok').evidence['address']).toBe(lab.origins.origins.healthy.address);
  });

  it('an origin that refuses explains the edge 521', async () => {
    const run = await direct('refused');
    const f = expectFailing(run, 'origin.connection_refused');
    expect(f.evidence['errorCode']).toBe('ECONNREFUSED');
    expect(f.evidence['endpoint']).toBe(`${lab.origins.origins.refused.address}:${lab.port}`);
    expectEdgeCode(run.report, 521);
    // The recorder sees the child's connects (so "nothing left 127/8" is not vacuous).
    expect(run.net).toContainEqual({
      kind: 'connect',
      host: lab.origins.origins.refused.address,
      port: lab.port,
    });
  });

  it('accept-then-reset is a reset', async () => {
    const run = await direct('reset');
    const f = expectFailing(run, 'origin.connection_reset');
    expect(f.evidence['port']).toBe(lab.port);
  });

  it('an origin that never accepts is a connect timeout, bounded by --timeout', async () => {
    const run = await direct('blackhole');
    const f = expectFailing(run, 'origin.connect_timeout');
    expect(f.evidence['endpoint']).toBe(`${lab.origins.origins.blackhole.address}:${lab.port}`);
    expectEdgeCode(run.report, 522);
  });

  it('an origin that accepts and stalls is a response timeout (524)', async () => {
    const run = await direct('stall');
    expectFailing(run, 'origin.response_timeout');
  });

  it('garbage instead of HTTP is an invalid response', async () => {
    const run = await direct('garbage');
    expectFailing(run, 'origin.invalid_response');
  });

  it("the web server's own 502 is the origin's 5xx, quoted", async () => {
    const run = await direct('badGateway');
    const f = expectFailing(run, 'origin.http_5xx');
    expect(JSON.stringify(f.evidence)).toContain('502');
  });

  it('plain HTTP on the TLS port fails the handshake (525)', async () => {
    const run = await direct('plainOnTls');
    expectFailing(run, 'origin.tls_handshake_failed');
    expectEdgeCode(run.report, 525);
  });

  describe('certificates under Full (strict), read from the zone', () => {
    it.each([
      ['expired', 'origin.tls_cert_expired'],
      ['selfSigned', 'origin.tls_cert_untrusted'],
      ['wrongName', 'origin.tls_cert_hostname_mismatch'],
    ] as const)('%s → %s and the edge 526', async (name, code) => {
      const run = await viaApi(name, 'strict', lab.proxyTo(name, { strict: true }));
      const f = expectFailing(run, code);
      expect(f.evidence['address'] ?? f.evidence['endpoint']).toBeTruthy();
      expectEdgeCode(run.report, 526);
      expect(find(run.report, 'ssl.mode').evidence).toMatchObject({ mode: 'strict' });
    });
  });

  it('an origin that answers the bot while the edge says 521 is blocking Cloudflare', async () => {
    const run = await viaApi('healthy', 'strict', { kind: 'branded', code: 521, errorSource: 'host' });
    const f = expectFailing(run, 'origin.blocks_cloudflare');
    expect(f.remediation.join(' ')).toMatch(/\d+\.\d+\.\d+\.\d+\/\d+/);
    expect(problems(run.report)).not.toContain('origin.connection_refused');
    expect(lab.origins.connections('healthy')).toBeGreaterThan(0);
  });

  it('a tunnel with no connector explains the 1033', async () => {
    const scenario = lab.zone({ type: 'CNAME', content: `${TUNNEL_ID}.cfargotunnel.com` }, 'full');
    scenario.tunnels[TUNNEL_ID] = {
      id: TUNNEL_ID,
      name: 'shop-prod',
      status: 'down',
      config_src: 'cloudflare',
      conns_active_at: null,
      conns_inactive_at: '2026-11-23T09:12:00Z',
      deleted_at: null,
      connections: [],
    };
    scenario.tunnelConnections[TUNNEL_ID] = [];
    scenario.tunnelConfigurations[TUNNEL_ID] = {
      ingress: [
        { hostname: SITE, service: 'http://localhost:8080', originRequest: {} },
        { service: 'http_status:404' },
      ],
    };
    lab.api.scenario = scenario;
    lab.edge.setBehaviour({ kind: 'branded', code: 1033, errorSource: 'cloudflare' });
    const run = await diagnoseJson([], apiEnv());
    const f = expectFailing(run, 'tunnel.down');
    expect(JSON.stringify(f.evidence)).toContain('shop-prod');
  });

  it.each(['10.0.0.5', '192.168.1.20'])('a record at %s is named and never connected to', async (ip) => {
    lab.api.scenario = lab.zone({ type: 'A', content: ip }, 'full');
    lab.edge.setBehaviour({ kind: 'branded', code: 522, errorSource: 'host' });
    const run = await diagnoseJson([], apiEnv());
    const f = expectFailing(run, 'dns.origin_private_address');
    expect(JSON.stringify(f.evidence)).toContain(ip);
    expect(run.net.filter((e) => e.kind === 'connect').map((e) => e.host)).not.toContain(ip);
  });

  it.each([
    ['2130706433', 'narrow'],
    ['0x7f.0.0.1', 'narrow'],
    ['0xa9.0xfe.0xa9.0xfe', 'lab'],
  ] as const)(
    '--origin %s (a numeric form of a guarded address) is refused, never probed',
    async (trick, allow) => {
      lab.edge.setBehaviour({ kind: 'healthy' });
      // 2130706433 and 0x7f.0.0.1 are 127.0.0.1: for them open only one lab origin's /32, so
      // 127.0.0.1 stays guarded (the edge relay there is then refused too: nothing is connected).
      const nets = allow === 'narrow' ? `${lab.origins.origins.healthy.address}/32` : '127.0.0.0/8';
      const run = await cli(['diagnose', lab.url, '--json', '--timeout', '2', '--origin', trick], {
        CHECK502_ALLOW_PRIVATE_NETS: nets,
      });
      const report = JSON.parse(run.stdout) as Report;
      expect(run.code).toBe(1);
      const f = find(report, 'dns.origin_private_address');
      expect(f.severity).toBe('error');
      const connects = run.net.filter((e) => e.kind === 'connect').map((e) => `${e.host}:${e.port}`);
      // Only the edge (by name, its lookup answering the relay at 127.0.0.1) when 127/8 is open;
      // it is sampled several times, always there.
      expect([...new Set(connects)]).toEqual(allow === 'narrow' ? [] : [`${SITE}:${lab.port}`]);
      const looked = run.net.filter((e) => e.kind === 'lookup-result').map((e) => e.address);
      expect([...new Set(looked)]).toEqual(allow === 'narrow' ? [] : ['127.0.0.1']);
    },
  );
});
