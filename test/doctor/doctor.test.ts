// `check502 doctor` as a new user runs it: against the fake Cloudflare API (answering like the real
// one: token format, permissions, account resources), a fake Slack, and Redis reachable or not.
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/doctor.js';
import type { DoctorReport } from '../../src/doctor/doctor-row.js';
import { FAKE_TOKEN, GLOBAL_KEY, UNKNOWN_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { aRecordZone } from '../support/cloudflare-scenarios.js';

let api: FakeCloudflareApi | undefined;
let slack: FakeSlackApi | undefined;
afterEach(async () => {
  await api?.close();
  await slack?.close();
  api = undefined;
  slack = undefined;
});

/** Nothing listens on port 1 of loopback: Redis is unreachable, at once. */
const NO_REDIS = 'redis://127.0.0.1:1';

async function doctor(env: Record<string, string>, args: string[] = []) {
  let out = '';
  let err = '';
  const code = await runDoctor(
    [...args, '--json'],
    env,
    { write: (t: string) => (out += t) },
    { write: (t: string) => (err += t) },
  );
  const report = out ? (JSON.parse(out) as DoctorReport) : undefined;
  let text = '';
  await runDoctor(args, env, { write: (t: string) => (text += t) }, { write: () => {} });
  return { code, report, err, text };
}

function row(report: DoctorReport | undefined, item: string) {
  const r = report?.rows.find((x) => x.item === item);
  if (!r) throw new Error(`no row ${item} in ${report?.rows.map((x) => x.item).join(', ')}`);
  return r;
}

describe('check502 doctor', () => {
  it('a complete token on a named zone: every read works, exit 0', async () => {
    api = await startFakeCloudflareApi(aRecordZone());
    const { code, report, text } = await doctor(
      { CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: api.baseUrl },
      ['--zone', 'example.com'],
    );
    expect(report?.rows.filter((r) => r.status === 'failed')).toEqual([]);
    expect(code).toBe(0);
    for (const p of [
      'Zone Read',
      'DNS Read',
      'Zone Settings Read',
      'Load Balancers Read',
      'Workers Routes Read',
      'Analytics Read',
      'Load Balancing: Monitors and Pools Read',
      'Cloudflare Tunnel Read',
      'Origin Read',
      'Config Settings Read',
      'Cache Settings Read',
      'SSL and Certificates Read',
      'Workers Scripts Read',
    ])
      expect(row(report, p).status).toBe('ok');
    expect(api.calls.some((c) => c.path === '/user/tokens/verify')).toBe(true);
    expect(text).toContain('Everything the configuration turns on works.');
    expect(text).not.toContain(FAKE_TOKEN);
  });

  it('a token made from the old README (no Zone Settings Read, no account resources) names exactly what to add', async () => {
    const s = aRecordZone();
    s.permissions = [
      'Zone Read',
      'DNS Read',
      'Load Balancers Read',
      'Analytics Read',
      'Cloudflare Tunnel Read',
      'Workers Routes Read',
      'Load Balancing: Monitors and Pools Read',
    ];
    s.tokenAccounts = [];
    api = await startFakeCloudflareApi(s);
    const { code, report, text } = await doctor(
      { CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: api.baseUrl },
      ['--zone', 'example.com'],
    );
    expect(code).toBe(1);
    expect(row(report, 'Zone Settings Read')).toMatchObject({ status: 'failed' });
    expect(row(report, 'Zone Settings Read').fix).toContain('"Zone Settings Read"');
    expect(row(report, 'Zone Settings Read').disables).toContain('SSL/TLS mode');
    // Optional permissions narrow the diagnosis: warnings that name what they disable.
    const tunnel = row(report, 'Cloudflare Tunnel Read');
    expect(tunnel.status).toBe('warning');
    expect(tunnel.fix).toContain('Account Resources');
    expect(tunnel.disables).toContain('1033');
    expect(row(report, 'DNS Read').status).toBe('ok');
    expect(text).toContain('fix: Add "Zone Settings Read"');
    expect(row(report, 'Origin Read').status).toBe('warning');
    expect(row(report, 'Cache Settings Read').status).toBe('warning');
    expect(row(report, 'Cache Settings Read').disables).toContain('proxy read timeout');
    expect(row(report, 'SSL and Certificates Read').status).toBe('warning');
  });

  it('only optional permissions missing (change history, analytics, rules): warnings, exit 0', async () => {
    const s = aRecordZone();
    s.permissions = [
      'Zone Read',
      'DNS Read',
      'Zone Settings Read',
      'Load Balancers Read',
      'Workers Routes Read',
    ];
    api = await startFakeCloudflareApi(s);
    const { code, report, text } = await doctor(
      { CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: api.baseUrl },
      ['--zone', 'example.com'],
    );
    expect(report?.rows.filter((r) => r.status === 'failed')).toEqual([]);
    expect(code).toBe(0);
    const history = row(report, 'Account Settings Read');
    expect(history).toMatchObject({ status: 'warning' });
    expect(history.disables).toContain('recent changes');
    expect(history.fix).toContain('Account Resources');
    expect(row(report, 'Analytics Read')).toMatchObject({ status: 'warning' });
    expect(row(report, 'Analytics Read').disables).toContain('5xx');
    expect(row(report, 'Workers Scripts Read').disables).toContain('Custom Domain');
    expect(text).toMatch(/^WARN {4} +cloudflare +Account Settings Read/m);
    expect(text).toContain('Everything the configuration turns on works.');
    expect(text).toContain('optional permissions are missing');
  });

  it('a missing core permission (DNS Read) fails, exit 1', async () => {
    const s = aRecordZone();
    s.permissions = ['Zone Read', 'Zone Settings Read'];
    api = await startFakeCloudflareApi(s);
    const { code, report } = await doctor(
      { CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: api.baseUrl },
      ['--zone', 'example.com'],
    );
    expect(code).toBe(1);
    expect(row(report, 'DNS Read')).toMatchObject({ status: 'failed' });
    expect(row(report, 'Cloudflare Tunnel Read').status).toBe('warning');
  });

  it.each([
    ['a Global API Key', GLOBAL_KEY, 'cannot parse'],
    ['an unknown token', UNKNOWN_TOKEN, 'does not know it'],
  ])('%s fails at the token itself, with what to do', async (_, token, said) => {
    api = await startFakeCloudflareApi(aRecordZone());
    const { code, report } = await doctor({ CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_BASE_URL: api.baseUrl }, [
      '--zone',
      'example.com',
    ]);
    expect(code).toBe(1);
    const r = row(report, 'CLOUDFLARE_API_TOKEN');
    expect(r.status).toBe('failed');
    expect(r.detail).toContain(said);
    expect(JSON.stringify(report)).not.toContain(token);
    // Nothing else is tried with a token Cloudflare refuses.
    expect(report?.rows.filter((x) => x.area === 'cloudflare')).toHaveLength(1);
  });

  it('an expired token is told apart from a missing permission', async () => {
    const s = aRecordZone();
    s.tokenStatus = 'expired';
    api = await startFakeCloudflareApi(s);
    const { report } = await doctor({ CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: api.baseUrl });
    expect(row(report, 'CLOUDFLARE_API_TOKEN').detail).toContain('expired');
  });

  it('a plan without analytics is "limited", not a failure', async () => {
    const s = aRecordZone();
    s.analytics.enabled = false;
    api = await startFakeCloudflareApi(s);
    const { code, report } = await doctor(
      { CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: api.baseUrl },
      ['--zone', 'example.com'],
    );
    expect(row(report, 'Analytics Read').status).toBe('limited');
    expect(code).toBe(0);
  });

  it('Slack configured with a revoked token and Redis down: both fail with their fix; unset features are listed', async () => {
    slack = await startFakeSlackApi();
    slack.failNext('auth.test', { error: 'invalid_auth' });
    const { code, report } = await doctor({
      SLACK_SIGNING_SECRET: 'x'.repeat(32),
      SLACK_BOT_TOKEN: 'xoxb-revoked-token-123',
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: NO_REDIS,
    });
    expect(code).toBe(1);
    expect(row(report, 'SLACK_BOT_TOKEN')).toMatchObject({ status: 'failed' });
    expect(row(report, 'SLACK_BOT_TOKEN').detail).toContain('invalid_auth');
    expect(row(report, 'REDIS_URL').status).toBe('failed');
    expect(row(report, 'CLOUDFLARE_API_TOKEN')).toMatchObject({ status: 'missing' });
    expect(JSON.stringify(report)).not.toContain('xoxb-revoked-token-123');
  });

  it('a Redis Cluster or Sentinel that is configured but down fails (it is needed), naming the mode', async () => {
    for (const env of [{ REDIS_CLUSTER_NODES: '127.0.0.1:1' }, { REDIS_SENTINELS: '127.0.0.1:1' }]) {
      const { code, report } = await doctor(env);
      expect(code).toBe(1);
      expect(row(report, 'REDIS_URL').status).toBe('failed');
      expect(row(report, 'REDIS_URL').detail).toMatch(/cluster|sentinel/);
    }
  }, 30_000);

  it('a variable that does not parse is named, exit 1; bad arguments exit 2', async () => {
    const { code, report } = await doctor({ PORT: 'eighty', REDIS_URL: NO_REDIS });
    expect(code).toBe(1);
    expect(row(report, 'PORT').status).toBe('failed');
    const bad = await runDoctor(['--zonez'], {}, { write: () => {} }, { write: () => {} });
    expect(bad).toBe(2);
  });

  it('without --zone it verifies the token and says how to test the permissions', async () => {
    api = await startFakeCloudflareApi(aRecordZone());
    const { report } = await doctor({ CLOUDFLARE_API_TOKEN: FAKE_TOKEN, CLOUDFLARE_BASE_URL: api.baseUrl });
    expect(row(report, 'permissions').detail).toContain('--zone');
  });
});
