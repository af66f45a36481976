// createCloudflareReader's errors: bad or unknown tokens, missing permissions, 403 and 429 answers,
// 5xx, timeouts, an API not listening, an aborted diagnosis, answers of the wrong shape.

import { describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../src/cloudflare/create-cloudflare-reader.js';
import { emptyScenario, FAKE_TOKEN, GLOBAL_KEY, UNKNOWN_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import {
  failure,
  fake,
  fakeCloudflareEachTest,
  reader,
  replaceFake,
  signal,
} from './support/reader-on-fake.js';

fakeCloudflareEachTest();

describe('errors', () => {
  it('an unknown token (403/9109 "Invalid access token") is an auth error about the token itself', async () => {
    const error = await failure(
      reader({ token: UNKNOWN_TOKEN }).dnsRecords('z-example', 'shop.example.com', signal()),
    );
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(403);
    expect(error.codes).toEqual([9109]);
    expect(error.tokenRejected).toBe(true);
    expect(error.message).not.toContain(UNKNOWN_TOKEN);
  });

  it.each([
    ['a Global API Key', GLOBAL_KEY],
    ['a quoted token', `"${FAKE_TOKEN}"`],
    ['a token with a trailing newline escaped in', `${FAKE_TOKEN}\\n`],
  ])('%s gets 400/6003 (6111) and is an auth error, not "API unavailable"', async (_, token) => {
    const error = await failure(reader({ token }).findZone('shop.example.com', signal()));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(400);
    expect(error.codes).toEqual([6003, 6111]);
    expect(error.tokenRejected).toBe(true);
    expect(error.message).toContain('Invalid format for Authorization header');
  });

  it('a token without a permission gets 403/10000: names the exact permission, not a bad token', async () => {
    fake.scenario.permissions = ['Zone Read', 'DNS Read'];
    const error = await failure(reader().zoneSettings('z-example', signal()));
    expect(error).toMatchObject({ kind: 'auth', status: 403, tokenRejected: false });
    expect(error.permission).toBe('Zone Settings Read');
    expect(error.permissionScope).toBe('zone');
  });

  it('an account permission names its scope, and the account must be in the token', async () => {
    fake.scenario.tokenAccounts = ['some-other-account'];
    const error = await failure(reader().pools('acc1', ['p1'], signal()));
    expect(error.permission).toBe('Load Balancing: Monitors and Pools Read');
    expect(error.permissionScope).toBe('account');
    const tunnel = await failure(reader().tunnel('acc1', 't1', signal()));
    expect(tunnel.permission).toBe('Cloudflare Tunnel Read');
  });

  it('/user/tokens/verify tells an active token from an unknown one', async () => {
    expect(await reader().verifyToken(signal())).toMatchObject({ status: 'active' });
    fake.scenario.tokenStatus = 'expired';
    expect((await reader().verifyToken(signal())).status).toBe('expired');
    const error = await failure(reader({ token: UNKNOWN_TOKEN }).verifyToken(signal()));
    expect(error).toMatchObject({ kind: 'auth', status: 401, tokenRejected: true, codes: [1000] });
  });

  it('a 403 keeps the reason from the body', async () => {
    fake.scenario.faults.push({
      match: /load_balancers$/,
      status: 403,
      errors: [{ code: 9109, message: 'Unauthorized to access requested resource' }],
    });
    const error = await failure(reader().loadBalancer('z-example', 'shop.example.com', signal()));
    expect(error.kind).toBe('auth');
    expect(error.permission).toBe('Load Balancers Read');
    expect(error.message).toContain('Unauthorized to access requested resource');
  });

  it('a 429 asking for 300 s fails at once as rate_limited instead of waiting', async () => {
    fake.scenario.faults.push({ match: /settings$/, status: 429, headers: { 'retry-after': '300' } });
    const error = await failure(reader().zoneSettings('z-example', signal()));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(300);
    expect(fake.calls).toHaveLength(1);
  });

  it('a 429 asking for a short wait is retried once within the allowance', async () => {
    fake.scenario.faults.push({ match: /settings$/, status: 429, headers: { 'retry-after': '0' }, times: 1 });
    const r = reader();
    const settings = await r.zoneSettings('z-example', signal());
    expect(settings.ssl).toBe('strict');
    expect(r.callCount).toBe(2);
  });

  it('a 5xx is retried once, then reported unavailable', async () => {
    fake.scenario.faults.push({ match: /dns_records$/, status: 503 });
    const r = reader();
    const error = await failure(r.dnsRecords('z-example', 'shop.example.com', signal()));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(r.callCount).toBe(2);
  });

  it('a slow answer times out as unavailable', async () => {
    fake.scenario.faults.push({ match: /settings$/, delayMs: 5_000 });
    const error = await failure(reader({ timeoutMs: 200 }).zoneSettings('z-example', signal()));
    expect(error.kind).toBe('unavailable');
  });

  it('an API that is not listening is unavailable', async () => {
    const base = fake.baseUrl;
    await fake.close();
    const r = createCloudflareReader({ token: FAKE_TOKEN, baseUrl: base, cache: createCloudflareCache() });
    const error = await failure(r.zoneSettings('z-example', signal()));
    expect(error.kind).toBe('unavailable');
    replaceFake(await startFakeCloudflareApi(emptyScenario()));
  });

  it('an aborted diagnosis stops waiting', async () => {
    fake.scenario.faults.push({ match: /settings$/, delayMs: 5_000 });
    const error = await failure(reader().zoneSettings('z-example', AbortSignal.timeout(100)));
    expect(error.kind).toBe('unavailable');
  });

  it('an answer without the expected shape is invalid', async () => {
    fake.scenario.faults.push({
      match: /settings$/,
      status: 200,
      rawBody: '{"success":false,"errors":[],"result":null}',
    });
    const error = await failure(reader().zoneSettings('z-example', signal()));
    expect(error.kind).toBe('invalid');
  });
});
