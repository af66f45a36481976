// `check502 diagnose` end to end, as a user runs it: the BUILT CLI in a fresh process, its real
// configuration from the environment, real sockets against the loopback lab (fake DNS, fake edge,
// misbehaving origins, fake Cloudflare API), trust through NODE_EXTRA_CA_CERTS. Every scenario
// asserts the JSON report's verdict, primary cause, the finding's evidence and the exit code, and
// that nothing the child did left 127.0.0.0/8.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnosis/finding.js';
import type { Report } from '../../src/diagnosis/report.js';
import { FAKE_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import type { EdgeBehaviour } from '../fakes/fake-edge.js';
import type { LabOriginName } from '../fakes/origin-lab-origins.js';
import { buildIfStale } from './support/build-if-stale.js';
import { type E2eLab, SITE, startE2eLab, TUNNEL_ID } from './support/lab.js';
import { type CliRun, offLoopback, runCli } from './support/run-cli.js';

let lab: E2eLab;

beforeAll(async () => {
  buildIfStale();
  lab = await startE2eLab();
}, 120_000);
afterAll(async () => {
  await lab?.close();
});

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CHECK502_DNS_SERVERS: `127.0.0.1:${lab.dns.port}`,
    CHECK502_ALLOW_PRIVATE_NETS: '127.0.0.0/8',
    NODE_EXTRA_CA_CERTS: lab.caFile,
    NO_COLOR: '1',
    ...extra,
  };
}

function apiEnv(): Record<string, string> {
  return { CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: lab.api.baseUrl };
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCli(args, baseEnv(env), { logDir: lab.dir });
  expect(run.signal, `the CLI was killed; stderr: ${run.stderr}`).toBeNull();
  expect(offLoopback(run.net)).toEqual([]);
  return run;
}

interface Diagnosed extends CliRun {
  report: Report;
}

/** `diagnose --json`: the whole stdout must be one JSON document. */
async function diagnoseJson(args: string[], env: Record<string, string> = {}): Promise<Diagnosed> {
  const run = await cli(['diagnose', lab.url, '--json', '--timeout', '2', ...args], env);
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${run.code}): ${run.stdout.slice(0, 500)}\n${run.stderr}`,
    );
  }
  return { ...run, report };
}

/** No token: the origin named with --origin, the edge forwarding to it like Cloudflare. */
async function direct(name: LabOriginName, edge: EdgeBehaviour = lab.proxyTo(name)): Promise<Diagnosed> {
  lab.edge.setBehaviour(edge);
  return diagnoseJson(['--origin', lab.origins.origins[name].address]);
}

/** With the fake API: the zone's record points at the lab origin, in the given SSL mode. */
async function viaApi(name: LabOriginName, ssl: string, edge: EdgeBehaviour): Promise<Diagnosed> {
  lab.api.scenario = lab.zone({ type: 'A', content: lab.origins.origins[name].address }, ssl);
  lab.edge.setBehaviour(edge);
  return diagnoseJson([], apiEnv());
}

const find = (report: Report, code: string): Finding => {
  const found = report.findings.find((f) => f.code === code);
  if (!found) throw new Error(`no ${code} finding; got ${report.findings.map((f) => f.code).join(', ')}`);
  return found;
};
const problems = (report: Report) =>
  report.findings.filter((f) => f.severity === 'warn' || f.severity === 'error').map((f) => f.code);

function expectFailing(run: Diagnosed, cause: string): Finding {
  expect(run.report.primaryCause, JSON.stringify(problems(run.report))).toBe(cause);
  expect(run.report.verdict).toBe('failing');
  expect(run.code).toBe(1);
  const primary = find(run.report, cause);
  expect(primary.severity).toBe('error');
  expect(primary.remediation.length).toBeGreaterThan(0);
  return primary;
}

function expectEdgeCode(report: Report, code: number): void {
  const edge = find(report, 'edge.error');
  expect(edge.evidence['cloudflareErrorCode']).toBe(code);
  expect(edge.evidence['rayId']).toMatch(/^[0-9a-f]{16}$/);
}

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

describe('check502 diagnose output', () => {
  it('--json prints exactly one JSON document on stdout and nothing on stderr', async () => {
    lab.edge.setBehaviour(lab.proxyTo('refused'));
    const run = await cli([
      'diagnose',
      lab.url,
      '--json',
      '--timeout',
      '2',
      '--origin',
      lab.origins.origins.refused.address,
    ]);
    const report = JSON.parse(run.stdout) as Report;
    expect(run.stdout.trim().startsWith('{') && run.stdout.trim().endsWith('}')).toBe(true);
    expect(report.site).toBe(SITE);
    expect(report.url).toBe(lab.url);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['edge', 'origin', 'publicDns']));
    expect(run.stderr).toBe('');
  });

  it.each([
    ['piped, NO_COLOR unset', { NO_COLOR: '', TERM: 'xterm-256color' }],
    ['NO_COLOR=1', { NO_COLOR: '1', TERM: 'xterm-256color' }],
  ])('human output has no ANSI codes (%s) and names the primary cause', async (_label, env) => {
    lab.edge.setBehaviour(lab.proxyTo('refused'));
    const run = await cli(
      ['diagnose', lab.url, '--timeout', '2', '--origin', lab.origins.origins.refused.address],
      env,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expect(run.stderr).not.toMatch(/\u001b\[/);
    expect(run.stdout).toContain(lab.origins.origins.refused.address);
    expect(run.stdout).toMatch(/refus/i);
    expect(() => JSON.parse(run.stdout)).toThrow();
  });
});

describe('check502 diagnose loads what a diagnosis needs, not the bot', () => {
  // A one-off command starts in a fresh process each time: the chat, queue, server and metrics code
  // (and their packages) must not load for it, nor, without a token, the Cloudflare SDK and the
  // zone reader. The recorder sees every module loaded through `import`, lazily imported ones too.
  const unwanted = (modules: string[]) =>
    modules.filter((url) =>
      /\/dist\/(chat|jobs|http|metrics|incidents|roles|monitors)\/|\/node_modules\/(@slack|@discordjs|discord\.js|bullmq|ioredis|pino|prom-client|cloudflare)\//.test(
        url,
      ),
    );
  const zoneReader = (modules: string[]) => modules.filter((url) => url.endsWith('/cloudflare/read-zone.js'));
  const diagnose = (env: Record<string, string> = {}) =>
    runCli(
      ['diagnose', lab.url, '--json', '--timeout', '2', '--origin', lab.origins.origins.healthy.address],
      baseEnv(env),
      { logDir: lab.dir, recordModules: true },
    );

  it('without a token: no chat, queue, server, metrics or Cloudflare code', async () => {
    lab.edge.setBehaviour(lab.proxyTo('healthy', { strict: true }));
    const run = await diagnose();
    expect(run.code, run.stderr).toBe(0);
    expect(run.modules.some((url) => url.endsWith('/dist/diagnosis/engine.js'))).toBe(true);
    expect(unwanted(run.modules)).toEqual([]);
    expect(zoneReader(run.modules)).toEqual([]);
  });

  it('with a token: the zone reader and the SDK, still nothing of the bot', async () => {
    lab.api.scenario = lab.zone({ type: 'A', content: lab.origins.origins.healthy.address }, 'strict');
    lab.edge.setBehaviour(lab.proxyTo('healthy', { strict: true }));
    const run = await diagnose(apiEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(zoneReader(run.modules)).toHaveLength(1);
    expect(unwanted(run.modules).every((url) => url.includes('/node_modules/cloudflare/'))).toBe(true);
    expect(unwanted(run.modules)).not.toEqual([]);
  });
});

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
