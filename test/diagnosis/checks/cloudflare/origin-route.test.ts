// Origin Rules and Configuration Rules read from the fake API in their real shapes and applied to
// the diagnosed request: what the origin check is told to connect to, and what the report says.
import { describe, expect, it } from 'vitest';
import type { FakeScenario } from '../../../fakes/cloudflare-api/scenario.js';
import {
  cacheRule,
  cacheRuleset,
  configRuleset,
  managedRuleset,
  originRuleset,
  routeRule,
  setConfigRule,
} from '../../../fakes/origin-rules.js';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { aRecordZone, HOST, lbZone, ORIGIN_IP, ZONE_ID } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';

const { start } = fakeCloudflarePerTest();

function withRules(...rulesets: Record<string, unknown>[]): FakeScenario {
  const s = aRecordZone();
  s.rulesets[ZONE_ID] = [managedRuleset(), ...rulesets];
  return s;
}

describe('Origin Rules and Configuration Rules', () => {
  it('a port override matching the host moves the probe and is reported', async () => {
    const api = await start(
      withRules(
        originRuleset(
          routeRule('(http.host eq "www.example.com")', { origin: { port: 9000 } }, 'www only'),
          routeRule(`(http.host eq "${HOST}")`, { origin: { port: 8443 } }, 'shop on 8443'),
        ),
      ),
    );
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(cloudflareFacts?.origins).toEqual([
      { address: ORIGIN_IP, source: 'dns', label: 'A record', port: 8443 },
    ]);
    const applied = findingOf(report, 'origin.rule_applied');
    expect(applied.severity).toBe('info');
    expect(applied.title).toContain('shop on 8443');
    expect(applied.title).toContain('destination port 8443');
    expect(report.findings.filter((f) => f.code === 'origin.rule_applied')).toHaveLength(1);
  });

  it('a path rule applies only to the path given; later rules override earlier ones', async () => {
    const rules = originRuleset(
      routeRule('true', { origin: { port: 8080 } }, 'everything'),
      routeRule(
        'starts_with(http.request.uri.path, "/api/")',
        { origin: { port: 3000 }, host_header: 'api.internal.example' },
        'api',
      ),
    );
    const api = await start(withRules(rules));
    const root = await runDiagnosis(api, `https://${HOST}/`, { edge: { status: 200 } });
    expect(root.cloudflareFacts?.route).toMatchObject({ port: 8080 });
    expect(root.cloudflareFacts?.route?.hostHeader).toBeUndefined();
    const apiPath = await runDiagnosis(api, `https://${HOST}/api/v1/cart`, { edge: { status: 200 } });
    // A Host header override sets the SNI too (no SNI override here).
    expect(apiPath.cloudflareFacts?.route).toMatchObject({
      port: 3000,
      hostHeader: 'api.internal.example',
      sni: 'api.internal.example',
    });
    expect(apiPath.report.findings.filter((f) => f.code === 'origin.rule_applied')).toHaveLength(2);
  });

  it('a Configuration Rule’s SSL mode wins over the zone’s for this host', async () => {
    const s = withRules(configRuleset(setConfigRule(`http.host eq "${HOST}"`, 'flexible', 'legacy shop')));
    const api = await start(s);
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(cloudflareFacts?.sslMode).toBe('flexible');
    expect(cloudflareFacts?.zoneSslMode).toBe('strict');
    expect(findingOf(report, 'origin.rule_applied').detail).toContain('Full (strict)');
  });

  it('a rule whose filter depends on the visitor is listed as uncertain, not applied', async () => {
    const api = await start(
      withRules(
        originRuleset(
          routeRule(
            `http.host eq "${HOST}" and ip.src.country eq "DE"`,
            { origin: { port: 8443 } },
            'germany',
          ),
        ),
      ),
    );
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(cloudflareFacts?.origins[0]?.port).toBeUndefined();
    expect(findingOf(report, 'origin.rule_applied').title).toContain('may apply');
  });

  it('a DNS record override to a name with no record is error 1016, naming the name', async () => {
    const api = await start(
      withRules(
        originRuleset(
          routeRule(`http.host eq "${HOST}"`, { origin: { host: 'backend.example.com' } }, 'to backend'),
        ),
      ),
    );
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, { edge: { status: 530, code: 1016 } });
    const failed = findingOf(report, 'origin.resolution_failed');
    expect(failed.severity).toBe('error');
    expect(failed.title).toContain('backend.example.com');
    expect(failed.detail).toContain('1016');
    expect(report.primaryCause).toBe('origin.resolution_failed');
    expect(cloudflareFacts?.origins).toEqual([]);
  });

  it('a DNS record override to a record in the zone probes that record’s address', async () => {
    const s = withRules(
      originRuleset(
        routeRule(`http.host eq "${HOST}"`, { origin: { host: 'backend.example.com' } }, 'to backend'),
      ),
    );
    s.records[ZONE_ID]!.push({
      type: 'A',
      name: 'backend.example.com',
      content: '127.0.0.44',
      proxied: false,
    });
    const api = await start(s);
    const { cloudflareFacts } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(cloudflareFacts?.origins).toEqual([
      { address: '127.0.0.44', source: 'dns', label: 'Origin Rule → backend.example.com (A record)' },
    ]);
  });

  it('a token without the rules permission is an info note, not an alarm, and the zone without rules costs one call', async () => {
    const s = aRecordZone();
    s.faults.push({
      match: /GET \/zones\/[^/]+\/rulesets$/,
      status: 403,
      errors: [{ code: 10000, message: 'Authentication error' }],
    });
    const api = await start(s);
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 200 }, publicDns: ['104.16.1.1'] });
    const note = report.findings.find((f) => f.code === 'cloudflare.auth_failed');
    expect(note?.severity).toBe('info');
    expect(note?.detail).toContain('Origin Read');
    expect(report.verdict).toBe('healthy');

    const plain = await start(aRecordZone());
    await runDiagnosis(plain, HOST, { edge: { status: 200 } });
    expect(plain.calls.filter((c) => c.path.includes('/rulesets'))).toHaveLength(1);
    expect(codes((await runDiagnosis(plain, HOST, { edge: { status: 200 } })).report)).not.toContain(
      'origin.rule_applied',
    );
  });
});

describe('load-balanced hosts', () => {
  function lbWithRules(primaryHealthy: boolean, fallbackHealthy: boolean): FakeScenario {
    const s = lbZone(primaryHealthy, fallbackHealthy);
    s.rulesets[ZONE_ID] = [
      managedRuleset(),
      originRuleset(routeRule(`http.host eq "${HOST}"`, { origin: { port: 8443 } }, 'pools on 8443')),
      configRuleset(setConfigRule(`http.host eq "${HOST}"`, 'full', 'lb full')),
    ];
    return s;
  }

  it('healthy pools: the rules move the probe of every pool origin, within 12 calls', async () => {
    const api = await start(lbWithRules(true, true));
    const { report, cloudflareFacts } = await runDiagnosis(api, HOST, { edge: { status: 502, code: 502 } });
    expect(cloudflareFacts?.origins.map((o) => [o.address, o.port])).toEqual([
      ['127.0.0.11', 8443],
      ['127.0.0.12', 8443],
      ['127.0.0.13', 8443],
    ]);
    expect(cloudflareFacts?.sslMode).toBe('full');
    expect(report.findings.filter((f) => f.code === 'origin.rule_applied')).toHaveLength(2);
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });

  it('no pool can take the traffic (530/1016 whatever the origins do): the rules are not read', async () => {
    const s = lbWithRules(false, false);
    delete s.loadBalancers[ZONE_ID]![0]!['fallback_pool'];
    const api = await start(s);
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 530, code: 1016 } });
    expect(report.primaryCause).toBe('lb.no_healthy_pool');
    expect(api.calls.filter((c) => c.path.includes('/rulesets'))).toEqual([]);
  });
});

describe('Cache Rules: the proxy read timeout in force for this request', () => {
  function enterprise(...rulesets: Record<string, unknown>[]): FakeScenario {
    const s = withRules(...rulesets);
    s.zones[0]!.plan = 'Enterprise Website';
    s.settings[ZONE_ID]!['proxy_read_timeout'] = 300;
    return s;
  }

  it('a matching Cache Rule’s read_timeout wins over the zone’s proxy_read_timeout', async () => {
    const api = await start(
      enterprise(
        cacheRuleset(
          cacheRule('true', { cache: true, edge_ttl: { mode: 'respect_origin' } }, 'cache everything'),
          cacheRule(
            `http.host eq "${HOST}" and starts_with(http.request.uri.path, "/reports")`,
            { cache: false, read_timeout: 20 },
            'slow reports',
          ),
        ),
      ),
    );
    const reports = await runDiagnosis(api, `https://${HOST}/reports/q3`, { edge: { status: 200 } });
    expect(reports.cloudflareFacts?.proxyReadTimeoutS).toBe(20);
    const applied = findingOf(reports.report, 'origin.rule_applied');
    expect(applied.title).toContain('Cache Rule "slow reports"');
    expect(applied.detail).toContain('300 s');
    // Another path: the zone's own wait.
    const home = await runDiagnosis(api, `https://${HOST}/`, { edge: { status: 200 } });
    expect(home.cloudflareFacts?.proxyReadTimeoutS).toBe(300);
    expect(codes(home.report)).not.toContain('origin.rule_applied');
  });

  it('a plan that cannot set a read timeout in Cache Rules does not spend the call', async () => {
    const s = withRules(cacheRuleset(cacheRule('true', { cache: true }, 'cache everything')));
    const api = await start(s);
    await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(api.calls.filter((c) => c.path.includes('/rulesets'))).toHaveLength(1);
  });
});

describe('API budget with every origin read in play', () => {
  it('Origin Rules, Configuration Rules, a resolve override and AOP stay within 12 calls', async () => {
    const s = withRules(
      originRuleset(
        routeRule(
          `http.host eq "${HOST}"`,
          { origin: { host: 'backend.example.com', port: 8443 } },
          'backend',
        ),
      ),
      configRuleset(setConfigRule('true', 'full', 'full everywhere')),
    );
    s.records[ZONE_ID]!.push({
      type: 'A',
      name: 'backend.example.com',
      content: '127.0.0.44',
      proxied: false,
    });
    s.originPull[ZONE_ID] = { enabled: true };
    s.settings[ZONE_ID]!['tls_client_auth'] = 'on';
    const api = await start(s);
    const { report, reader } = await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
    // The origin check reads AOP only when an origin demands a certificate, and only per-hostname
    // when the bulk settings carried tls_client_auth. Past the cap it is refused, never sent (the
    // check then judges from tls_client_auth alone).
    await reader.originPullSettings(ZONE_ID, HOST, AbortSignal.timeout(2000), true).catch((e: unknown) => {
      expect((e as { kind?: string }).kind).toBe('budget');
    });
    expect(reader.callCount).toBeLessThanOrEqual(12);
    expect(api.calls.filter((c) => c.path.endsWith('/origin_tls_client_auth/settings'))).toEqual([]);
  });
});
