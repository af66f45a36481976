// The Cloudflare API check end to end: real SDK against the loopback fake API, real engine.
import { describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../../../src/cloudflare/cloudflare-cache.js';
import { GLOBAL_KEY } from '../../../fakes/cloudflare-api/scenario.js';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import {
  aRecordZone,
  HOST,
  lbZone,
  ORIGIN_IP,
  TUNNEL_ID,
  tunnelZone,
  ZONE_ID,
} from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const { start } = fakeCloudflarePerTest();

describe('cloudflare check', () => {
  it('without a token the check is skipped with an info finding and the diagnosis still runs', async () => {
    const { report } = await runDiagnosis(undefined, HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'cloudflare.not_configured');
    expect(f.severity).toBe('info');
    expect(report.checks.find((c) => c.name === 'cloudflare')?.status).toBe('skipped');
    expect(report.checks.find((c) => c.name === 'edge')?.status).toBe('passed');
    expect(report.cloudflareApiCalls).toBe(0);
  });

  it('a healthy proxied site raises no false alarm and hands the origin to the probe', async () => {
    const api = await start(aRecordZone());
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, {
      edge: { status: 200 },
      publicDns: ['104.16.1.1'],
    });
    expect(cloudflareFacts?.origins).toEqual([{ address: ORIGIN_IP, source: 'dns', label: 'A record' }]);
    expect(cloudflareFacts?.sslMode).toBe('strict');
    expect(cloudflareFacts?.ipRanges?.ipv4.length).toBeGreaterThan(0);
    expect(report.verdict).toBe('healthy');
    expect(report.primaryCause).toBeNull();
    expect(codes(report)).toEqual(
      expect.arrayContaining(['cloudflare.zone_ok', 'ssl.mode', 'dns.record_ok', 'analytics.ok']),
    );
    expect(report.findings.filter((f) => f.severity === 'warn' || f.severity === 'error')).toEqual([]);
    expect(findingOf(report, 'ssl.mode').evidence).toMatchObject({
      mode: 'strict',
      minTlsVersion: '1.2',
      alwaysUseHttps: 'on',
    });
    // Nothing failed: the settings that need their own calls were not read.
    expect(findingOf(report, 'ssl.mode').evidence['originMaxHttpVersion']).toBeUndefined();
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });

  it('names a missing zone', async () => {
    const api = await start(aRecordZone());
    const { report } = await runDiagnosis(api, 'www.not-mine.org');
    expect(findingOf(report, 'cloudflare.zone_not_found').evidence['host']).toBe('www.not-mine.org');
  });

  it.each(['pending', 'moved', 'initializing'])('a %s zone is inactive', async (status) => {
    const s = aRecordZone();
    s.zones[0]!.status = status;
    const { report } = await runDiagnosis(await start(s), HOST);
    const f = findingOf(report, 'cloudflare.zone_inactive');
    expect(f.severity).toBe('error');
    expect(f.remediation.join(' ')).toContain('ada.ns.cloudflare.com');
  });

  it('a paused zone is inactive (warn: Cloudflare is out of the path)', async () => {
    const s = aRecordZone();
    s.zones[0]!.paused = true;
    const { report } = await runDiagnosis(await start(s), HOST);
    expect(findingOf(report, 'cloudflare.zone_inactive').severity).toBe('warn');
  });

  it('no record and no load balancer is dns.record_missing', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'TXT', name: HOST, content: 'v=spf1 -all', proxied: false }];
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1016 } });
    expect(report.primaryCause).toBe('dns.record_missing');
    expect(findingOf(report, 'dns.record_missing').remediation.length).toBeGreaterThan(0);
  });

  it('a DNS-only record is dns.not_proxied: info for a wholly grey-clouded host, warn when mixed', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID]![0]!['proxied'] = false;
    const { report } = await runDiagnosis(await start(s), HOST);
    expect(findingOf(report, 'dns.not_proxied').severity).toBe('info');
    const mixed = aRecordZone();
    mixed.records[ZONE_ID]!.push({ type: 'A', name: HOST, content: '127.0.0.11', proxied: false });
    const again = await runDiagnosis(await start(mixed), HOST);
    expect(findingOf(again.report, 'dns.not_proxied').severity).toBe('warn');
  });

  it('a record at a private address is reported and never handed to the probe', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'A', name: HOST, content: '10.0.0.5', proxied: true }];
    const { report, cloudflareFacts } = await runDiagnosis(await start(s), HOST, {
      edge: { status: 522, code: 522 },
    });
    const f = findingOf(report, 'dns.origin_private_address');
    expect(f.evidence).toMatchObject({ address: '10.0.0.5' });
    expect(report.primaryCause).toBe('dns.origin_private_address');
    expect(cloudflareFacts?.origins).toEqual([]);
  });

  it('resolves a CNAME target through the configured resolvers and guards what it finds', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'CNAME', name: HOST, content: 'lb.hosting.example.net', proxied: true }];
    const { report } = await runDiagnosis(await start(s), HOST, {
      resolve: { 'lb.hosting.example.net': ['192.168.1.20'] },
    });
    expect(findingOf(report, 'dns.origin_private_address').evidence).toMatchObject({
      address: '192.168.1.20',
      content: 'lb.hosting.example.net',
    });
  });

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

  it('analytics on a plan without the dataset is analytics.unavailable (info), never auth_failed', async () => {
    const s = aRecordZone();
    s.analytics.enabled = false;
    s.analytics.deniedStatus = 403;
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'analytics.unavailable');
    expect(f.severity).toBe('info');
    expect(codes(report)).not.toContain('cloudflare.auth_failed');
    expect(report.verdict).toBe('healthy');
  });

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

  it('a load balancer named after the host takes precedence; healthy pools are lb.ok', async () => {
    const s = lbZone(true, true);
    s.records[ZONE_ID] = [{ type: 'A', name: HOST, content: '10.9.9.9', proxied: true }];
    const api = await start(s);
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(codes(report)).toContain('lb.ok');
    expect(codes(report)).not.toContain('dns.origin_private_address');
    expect(report.verdict).toBe('healthy');
  });

  it('every default pool down with a healthy enabled fallback is lb.fallback_serving', async () => {
    const { report } = await runDiagnosis(await start(lbZone(false, true)), HOST, { edge: { status: 200 } });
    const f = findingOf(report, 'lb.fallback_serving');
    expect(f.severity).toBe('warn');
    expect(f.detail).toContain('web-1 (127.0.0.11: TCP connection failed');
    expect(f.remediation.join('\n')).toContain('primary-eu');
  });

  it('no healthy pool, fallback included, explains the 530/1016', async () => {
    const { report } = await runDiagnosis(await start(lbZone(false, false)), HOST, {
      edge: { status: 530, code: 1016 },
    });
    expect(report.primaryCause).toBe('lb.no_healthy_pool');
  });

  it('pool origins become origin candidates with their port', async () => {
    const api = await start(lbZone(true, true));
    const { cloudflareFacts } = await runDiagnosis(api, HOST);
    expect(cloudflareFacts?.origins).toEqual([
      { address: '127.0.0.11', source: 'load_balancer', label: 'pool primary-eu, origin web-1' },
      { address: '127.0.0.12', source: 'load_balancer', label: 'pool primary-eu, origin web-2', port: 8443 },
      { address: '127.0.0.13', source: 'load_balancer', label: 'pool fallback-us, origin dr-1' },
    ]);
    expect(api.calls.filter((c) => c.path.endsWith('/health'))).toHaveLength(2);
  });
});

describe('API trouble degrades gracefully', () => {
  it('a rejected token is cloudflare.auth_failed; the other checks still run', async () => {
    const api = await start(aRecordZone());
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 200 } }, { token: 'revoked-token' });
    const f = findingOf(report, 'cloudflare.auth_failed');
    expect(f.severity).toBe('warn');
    expect(JSON.stringify(report)).not.toContain('revoked-token');
    expect(report.checks.find((c) => c.name === 'edge')?.status).toBe('passed');
  });

  it('a Global API Key pasted as the token (400/6003) is auth_failed with token-format advice, not api_unavailable', async () => {
    const api = await start(aRecordZone());
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 200 } }, { token: GLOBAL_KEY });
    const f = findingOf(report, 'cloudflare.auth_failed');
    expect(f.evidence).toMatchObject({ status: 400, tokenRejected: true, malformed: true });
    expect(f.title).toContain('cannot parse the API token');
    expect(f.remediation[0]).toContain('Global API Key');
    expect(codes(report)).not.toContain('cloudflare.api_unavailable');
    expect(JSON.stringify(report)).not.toContain(GLOBAL_KEY);
  });

  it('a token lacking an account permission says the account must be in its resources', async () => {
    const s = lbZone(false, true);
    s.tokenAccounts = ['another-account'];
    const { report } = await runDiagnosis(await start(s), HOST);
    const f = findingOf(report, 'cloudflare.auth_failed');
    expect(f.evidence).toMatchObject({
      permission: 'Load Balancing: Monitors and Pools Read',
      permissionScope: 'account',
    });
    expect(f.detail).toContain('Account Resources');
    expect(f.remediation[0]).toContain('Account Resources');
  });

  it('a token without DNS Read names that permission', async () => {
    const s = aRecordZone();
    s.faults.push({
      match: /dns_records$/,
      status: 403,
      errors: [{ code: 10000, message: 'Authentication error' }],
    });
    const { report } = await runDiagnosis(await start(s), HOST);
    const f = findingOf(report, 'cloudflare.auth_failed');
    expect(f.evidence['permission']).toBe('DNS Read');
    expect(f.remediation.join(' ')).toContain('"DNS Read"');
    expect(codes(report)).toContain('ssl.mode');
  });

  it('an API answering 5xx is cloudflare.api_unavailable and the report still comes', async () => {
    const s = aRecordZone();
    s.faults.push({ match: /./, status: 502 });
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    expect(findingOf(report, 'cloudflare.api_unavailable').severity).toBe('warn');
    expect(report.verdict).toBe('degraded');
  });

  it('an API that is down entirely is cloudflare.api_unavailable', async () => {
    const api = await start(aRecordZone());
    await api.close();
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(codes(report)).toContain('cloudflare.api_unavailable');
  });

  it('a slow API is cut at the budget; what was read is kept', async () => {
    const s = aRecordZone();
    s.faults.push({ match: /dns_records$/, delayMs: 10_000 });
    const { report } = await runDiagnosis(await start(s), HOST, {}, { timeoutMs: 1000 });
    expect(report.checks.find((c) => c.name === 'cloudflare')?.status).toBe('failed');
    expect(codes(report)).toEqual(
      expect.arrayContaining(['cloudflare.zone_ok', 'ssl.mode', 'cloudflare.api_unavailable']),
    );
  });

  it('a 429 with Retry-After: 300 does not hang: rate_limited, report still comes', async () => {
    const s = aRecordZone();
    s.faults.push({ match: /GET \/zones$/, status: 429, headers: { 'retry-after': '300' } });
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 200 } });
    expect(findingOf(report, 'cloudflare.rate_limited').evidence['retryAfterSeconds']).toBe(300);
    expect(report.checks.find((c) => c.name === 'cloudflare')?.status).toBe('failed');
  });

  it('analytics GraphQL errors (HTTP 200) become a finding, not a crash', async () => {
    const s = aRecordZone();
    s.graphql = {
      data: null,
      errors: [{ message: 'zone does not have access to httpRequestsAdaptiveGroups: not authorized' }],
    };
    const { report } = await runDiagnosis(await start(s), HOST);
    expect(findingOf(report, 'cloudflare.auth_failed').evidence['permission']).toBe('Analytics Read');
  });
});

describe('API budget', () => {
  it('stays within 12 calls for a tunnel host and a second diagnosis reuses the zone lookup and /ips', async () => {
    const api = await start(tunnelZone('healthy', 4));
    const cache = createCloudflareCache();
    const first = await runDiagnosis(api, HOST, {}, { cache });
    expect(first.report.cloudflareApiCalls).toBeLessThanOrEqual(12);
    const second = await runDiagnosis(api, HOST, {}, { cache });
    // The zone lookup (one name=ends_with: list), /ips and the analytics plan check are remembered.
    expect(second.report.cloudflareApiCalls).toBe(first.report.cloudflareApiCalls - 3);
    expect(api.calls.filter((c) => c.path === '/zones')).toHaveLength(1);
    expect(api.calls.filter((c) => c.path === '/ips')).toHaveLength(1);
  });

  it('stays within 12 calls for a load-balanced host', async () => {
    const { report } = await runDiagnosis(await start(lbZone(false, true)), HOST);
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });

  it('list calls are filtered by name on the server', async () => {
    const api = await start(aRecordZone());
    await runDiagnosis(api, HOST);
    const records = api.calls.filter((c) => c.path.endsWith('/dns_records'));
    expect(records.every((c) => c.query['name.exact'] === HOST)).toBe(true);
    const zones = api.calls.filter((c) => c.path === '/zones');
    expect(zones.every((c) => typeof c.query['name'] === 'string')).toBe(true);
  });
});
