// The Cloudflare API check end to end (real SDK, loopback fake API, real engine) when the API is in
// the way: rejected or malformed tokens, missing permissions, 5xx, down, slow, 429, GraphQL errors;
// and the API budget per diagnosis.

import { describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../../../src/cloudflare/cloudflare-cache.js';
import { GLOBAL_KEY } from '../../../fakes/cloudflare-api/scenario.js';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { aRecordZone, HOST, lbZone, tunnelZone } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const { start } = fakeCloudflarePerTest();

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
