// The Cloudflare API check end to end (real SDK, loopback fake API, real engine) on tunnels: down,
// inactive, deleted, degraded, healthy, ingress rules (missing, wildcard), locally managed.

import { describe, expect, it } from 'vitest';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { HOST, TUNNEL_ID, tunnelZone } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const { start } = fakeCloudflarePerTest();

describe('cloudflare check', () => {
  it('a down tunnel explains the 1033', async () => {
    const { report } = await runDiagnosis(await start(tunnelZone('down', 0)), HOST, {
      edge: { status: 530, code: 1033 },
    });
    expect(report.primaryCause).toBe('tunnel.down');
    const f = findingOf(report, 'tunnel.down');
    expect(f.remediation.join('\n')).toContain('cloudflared tunnel run shop-prod');
    expect(f.remediation.join('\n')).toContain('systemctl status cloudflared');
  });

  it('an inactive tunnel (never connected) is down too', async () => {
    const { report } = await runDiagnosis(await start(tunnelZone('inactive', 0)), HOST);
    expect(findingOf(report, 'tunnel.down').evidence['status']).toBe('inactive');
  });

  it('a CNAME to a deleted tunnel is down', async () => {
    const s = tunnelZone('healthy', 4);
    delete s.tunnels[TUNNEL_ID];
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1033 } });
    expect(findingOf(report, 'tunnel.down').evidence['status']).toBe('not_found');
    expect(report.primaryCause).toBe('tunnel.down');
  });

  it('a degraded tunnel is a warning', async () => {
    const { report } = await runDiagnosis(await start(tunnelZone('degraded', 1)), HOST, {
      edge: { status: 200 },
    });
    expect(findingOf(report, 'tunnel.degraded').evidence['activeConnections']).toBe(1);
    expect(report.verdict).toBe('degraded');
  });

  it('a healthy tunnel is ok and hands no origin to the probe', async () => {
    const { report } = await runDiagnosis(await start(tunnelZone('healthy', 4)), HOST, {
      edge: { status: 200 },
    });
    expect(findingOf(report, 'tunnel.ok').evidence['service']).toBe('http://localhost:8080');
    expect(report.verdict).toBe('healthy');
  });

  it('a tunnel without an ingress rule for the host', async () => {
    const s = tunnelZone('healthy', 4);
    s.tunnelConfigurations[TUNNEL_ID] = {
      ingress: [
        { hostname: 'admin.example.com', service: 'http://localhost:9000' },
        { service: 'http_status:404' },
      ],
    };
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 404 } });
    expect(findingOf(report, 'tunnel.no_ingress_rule').severity).toBe('error');
  });

  it('a locally managed tunnel (config_src local) skips the remote configuration and says where the rules live', async () => {
    const s = tunnelZone('healthy', 4);
    s.tunnels[TUNNEL_ID]!['config_src'] = 'local';
    delete s.tunnelConfigurations[TUNNEL_ID];
    const api = await start(s);
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'tunnel.ok');
    expect(f.evidence['ingress']).toContain("connector's config.yml");
    expect(f.evidence['configSource']).toBe('local');
    expect(api.calls.filter((c) => c.path.endsWith('/configurations'))).toHaveLength(0);
    expect(codes(report)).not.toContain('tunnel.no_ingress_rule');
    expect(cloudflareFacts?.tunnel?.service).toBeUndefined();
    expect(report.verdict).toBe('healthy');
  });

  it.each(['not_found', 'null_config'] as const)(
    'a remote-managed tunnel whose configuration answers %s is not a warning',
    async (answer) => {
      const s = tunnelZone('healthy', 4);
      delete s.tunnelConfigurations[TUNNEL_ID];
      s.localConfigAnswer = answer;
      const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
      expect(report.findings.filter((f) => f.severity === 'warn' || f.severity === 'error')).toEqual([]);
    },
  );

  it('a wildcard ingress rule matches', async () => {
    const s = tunnelZone('healthy', 4);
    s.tunnelConfigurations[TUNNEL_ID] = {
      ingress: [
        { hostname: '*.example.com', service: 'https://10.1.2.3:8443' },
        { service: 'http_status:404' },
      ],
    };
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    expect(codes(report)).not.toContain('tunnel.no_ingress_rule');
    expect(findingOf(report, 'tunnel.ok').evidence['service']).toBe('https://10.1.2.3:8443');
  });
});
