// The native alert routes as a new user tries them: a sample payload from each sender's docs curled at
// the bot opens the right incident for the right site, and its resolve closes it after the bot's own
// re-check. Also each way those senders authenticate: ?token=, the shared header, PagerDuty's and
// Checkly's own HMAC signatures.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { payloadBytes } from '../fakes/alert-payloads/load-payload.js';
import { createHarness, eventually, type Harness, startWebhookServer } from './harness.js';

const SECRET = 'test-webhook-secret-0123456789';
const PD_SECRET = 'pagerduty-subscription-secret';
const CHECKLY_SECRET = 'checkly-channel-secret';
let h: Harness;
let server: Awaited<ReturnType<typeof startWebhookServer>>;
let base: string;

beforeEach(async () => {
  h = await createHarness(inject('redisUrl'));
  server = await startWebhookServer(h, {
    secret: SECRET,
    senderSecrets: { pagerduty: PD_SECRET, checkly: CHECKLY_SECRET },
  });
  base = server.base;
});
afterEach(async () => {
  await server.close();
  await h.close();
});

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(5000),
  });
}
const hmac = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('hex');

describe.each([
  ['uptime-kuma', 'uptime-kuma-down', 'uptime-kuma-up'],
  ['uptimerobot', 'uptimerobot-down', 'uptimerobot-up'],
  ['betterstack', 'betterstack-started', 'betterstack-resolved'],
  ['datadog', 'datadog-triggered', 'datadog-recovered'],
  ['pagerduty', 'pagerduty-triggered', 'pagerduty-resolved'],
  ['checkly', 'checkly-failure', 'checkly-recovery'],
  ['pingdom', 'pingdom-down', 'pingdom-up'],
])('POST /webhooks/%s', (source, down, up) => {
  it('opens an incident for the site, and the resolve closes it once the re-check agrees', async () => {
    h.startWorkers();
    const opened = await post(`/webhooks/${source}?token=${SECRET}`, payloadBytes(down));
    expect(opened.status).toBe(202);
    expect(await opened.json()).toMatchObject({ accepted: 1, incidents: ['shop.example.com#1'] });
    expect(await h.service.context('shop.example.com#1')).toMatchObject({ state: 'open', sources: [source] });
    await eventually(() => expect(h.requests.map((r) => r.site)).toContain('shop.example.com'));

    const resolved = await post(`/webhooks/${source}`, payloadBytes(up), {
      authorization: `Bearer ${SECRET}`,
    });
    expect(resolved.status).toBe(202);
    await eventually(async () =>
      expect((await h.service.context('shop.example.com#1'))?.state).toBe('resolved'),
    );
    expect(h.rechecks).toEqual(['shop.example.com']);
  });
});

describe('how the native senders authenticate', () => {
  it('refuses a delivery with neither the secret nor a token, and says how to send it', async () => {
    const response = await post('/webhooks/pingdom', payloadBytes('pingdom-down'));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.stringContaining('?token=') });
  });

  it('refuses a wrong token', async () => {
    const response = await post(
      '/webhooks/uptimerobot?token=wrong-token-wrong-token',
      payloadBytes('uptimerobot-down'),
    );
    expect(response.status).toBe(401);
  });

  it('accepts PagerDuty by its signature alone, and one of several during a secret rotation', async () => {
    const body = payloadBytes('pagerduty-triggered');
    const signature = `v1=${hmac('old-secret', body)},v1=${hmac(PD_SECRET, body)}`;
    const response = await post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature });
    expect(response.status).toBe(202);
  });

  it('refuses a PagerDuty delivery whose signature does not match its body', async () => {
    const body = payloadBytes('pagerduty-triggered');
    const tampered = Buffer.from(body.toString('utf8').replace('shop.example.com', 'evil.example.com'));
    const response = await post('/webhooks/pagerduty', tampered, {
      'x-pagerduty-signature': `v1=${hmac(PD_SECRET, body)}`,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'wrong x-pagerduty-signature' });
    expect(await h.service.store.currentOf('evil.example.com')).toBeUndefined();
  });

  it('accepts Checkly by its x-checkly-signature and refuses a wrong one', async () => {
    const body = payloadBytes('checkly-failure');
    expect(
      (await post('/webhooks/checkly', body, { 'x-checkly-signature': hmac(CHECKLY_SECRET, body) })).status,
    ).toBe(202);
    expect(
      (await post('/webhooks/checkly', body, { 'x-checkly-signature': hmac('nope', body) })).status,
    ).toBe(401);
  });

  it('accepts Uptime Kuma sending GET with its query parameters', async () => {
    const query = new URLSearchParams({
      token: SECRET,
      msg: '[Shop] [🔴 Down] 502',
      monitor: JSON.stringify({ id: 4, url: 'https://kuma.example.com' }),
      heartbeat: JSON.stringify({ status: 0 }),
    });
    const response = await fetch(`${base}/webhooks/uptime-kuma?${query}`, {
      signal: AbortSignal.timeout(5000),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ incidents: ['kuma.example.com#1'] });
  });

  it('answers 400 naming the missing field, and records nothing', async () => {
    const response = await post(
      `/webhooks/pingdom?token=${SECRET}`,
      JSON.stringify({ check_id: 1, check_name: 'Shop', current_state: 'DOWN' }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringContaining('check_params.full_url') });
    expect(await h.redis.keys(`${h.prefix}:incident-state:*`)).toEqual([]);
  });
});
