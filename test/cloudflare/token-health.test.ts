// serve and worker verify CLOUDFLARE_API_TOKEN at start with /user/tokens/verify (the doctor's
// reading), against the fake API answering the real codes: a malformed, unknown or expired token is
// logged once without the token and shown by /readyz as degraded with the reason; a permission the
// token lacks (seen on a refused read while diagnosing) is told apart from a bad token.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startTokenHealth } from '../../src/cloudflare/token-health.js';
import type { Report } from '../../src/diagnosis/report.js';
import { createLogger } from '../../src/log/logger.js';
import { startServe } from '../../src/roles/serve.js';
import { FAKE_TOKEN, GLOBAL_KEY, UNKNOWN_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';
import { aRecordZone } from '../support/cloudflare-scenarios.js';
import { reported } from '../support/findings.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { testConfig } from '../support/slack-harness.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function fakeApi(): Promise<FakeCloudflareApi> {
  const api = await startFakeCloudflareApi(aRecordZone());
  cleanups.push(() => api.close());
  return api;
}

function capture(secret: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    secrets: [],
  });
  const raw = () => JSON.stringify(lines);
  return { logger, lines, raw, leaked: () => raw().includes(secret) };
}

function reportWith(...evidence: Record<string, unknown>[]): Report {
  return {
    site: 'shop.example.com',
    url: 'https://shop.example.com/',
    verdict: 'degraded',
    primaryCause: null,
    findings: evidence.map((e) =>
      reported({ code: 'cloudflare.auth_failed', severity: 'warn', title: 't', detail: 'd', evidence: e }),
    ),
    checks: [],
    startedAt: '2026-11-30T08:00:00Z',
    durationMs: 10,
    cloudflareApiCalls: 3,
  };
}

describe('the Cloudflare token at start', () => {
  it('an active token: ok, one info line', async () => {
    const api = await fakeApi();
    const log = capture(FAKE_TOKEN);
    const health = startTokenHealth({ token: FAKE_TOKEN, baseUrl: api.baseUrl, logger: log.logger });
    await health.verified;
    expect(health.status()).toEqual({ state: 'ok' });
    expect(api.calls.map((c) => c.path)).toEqual(['/user/tokens/verify']);
    expect(log.raw()).toContain('valid and active');
    expect(log.leaked()).toBe(false);
  });

  it.each([
    ['a Global API Key pasted as a token', GLOBAL_KEY, 'cannot parse', 'malformed'],
    ['an unknown (revoked) token', UNKNOWN_TOKEN, 'does not know it', 'unknown'],
  ])('%s: degraded with the reason, logged once as an error, never quoted', async (_, token, said, state) => {
    const api = await fakeApi();
    const log = capture(token);
    const health = startTokenHealth({ token, baseUrl: api.baseUrl, logger: log.logger });
    await health.verified;
    expect(health.status().state).toBe('degraded');
    expect(health.status().reason).toContain(said);
    const errors = log.lines.filter((l) => l['level'] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.['tokenState']).toBe(state);
    expect(log.leaked()).toBe(false);
  });

  it('an expired token is degraded: "the token is expired"', async () => {
    const api = await fakeApi();
    api.scenario.tokenStatus = 'expired';
    const log = capture(FAKE_TOKEN);
    const health = startTokenHealth({ token: FAKE_TOKEN, baseUrl: api.baseUrl, logger: log.logger });
    await health.verified;
    expect(health.status()).toMatchObject({ state: 'degraded' });
    expect(health.status().reason).toContain('expired');
  });

  it('the API down at start: degraded as "not verified", a warning, not a token error', async () => {
    const log = capture(FAKE_TOKEN);
    const health = startTokenHealth({
      token: FAKE_TOKEN,
      baseUrl: 'http://127.0.0.1:9/client/v4',
      logger: log.logger,
      timeoutMs: 1000,
    });
    await health.verified;
    expect(health.status().reason).toContain('could not be verified');
    expect(log.lines.filter((l) => l['level'] === 'error')).toHaveLength(0);
    expect(log.lines.filter((l) => l['level'] === 'warn')).toHaveLength(1);
  });

  it('a missing permission seen while diagnosing is told apart from a bad token, logged once', async () => {
    const api = await fakeApi();
    const log = capture(FAKE_TOKEN);
    const health = startTokenHealth({ token: FAKE_TOKEN, baseUrl: api.baseUrl, logger: log.logger });
    await health.verified;
    const refused = { operation: 'zone settings', permission: 'Zone Settings Read', permissionScope: 'zone' };
    health.observe(reportWith(refused));
    health.observe(reportWith(refused));
    expect(health.status().state).toBe('degraded');
    expect(health.status().reason).toContain('valid but lacks "Zone Settings Read"');
    expect(log.lines.filter((l) => l['permission'] === 'Zone Settings Read')).toHaveLength(1);
    expect(log.raw()).toContain('not a bad token');
    // A token revoked after start: rejected, said as such.
    health.observe(reportWith({ operation: 'zones', tokenRejected: true }));
    expect(health.status().reason).toContain('rejected CLOUDFLARE_API_TOKEN');
    expect(log.leaked()).toBe(false);
  });
});

describe('serve', () => {
  it('/readyz shows a malformed token as degraded (still 200) with the reason', async () => {
    const api = await fakeApi();
    const slack = await startFakeSlackApi();
    cleanups.push(() => slack.close());
    const prefix = `cf-token-${randomUUID().slice(0, 8)}`;
    const redisUrl = inject('redisUrl');
    cleanups.push(() => removePrefix(redisUrl, prefix));
    const log = capture(GLOBAL_KEY);
    const serve = await startServe({
      config: {
        ...testConfig(redisUrl, slack.apiUrl, prefix),
        cloudflareApiToken: GLOBAL_KEY,
        cloudflareBaseUrl: api.baseUrl,
      },
      worker: false,
      logger: log.logger,
    });
    cleanups.push(() => serve.close());
    let body: Record<string, unknown> = {};
    let status = 0;
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`${serve.url}/readyz`);
      status = response.status;
      body = (await response.json()) as Record<string, unknown>;
      if (body['status'] === 'degraded') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'degraded', checks: { redis: 'ok', cloudflare: 'degraded' } });
    expect(String((body['reasons'] as Record<string, unknown>)['cloudflare'])).toContain('cannot parse');
    expect(JSON.stringify(body)).not.toContain(GLOBAL_KEY);
    expect(log.leaked()).toBe(false);
  });
});
