// Payloads captured from real senders (test/fakes/alert-payloads/real/, sources in SOURCES.md), not
// written from a sender's docs: older field spellings, hosts that are not example.com, monitors of
// other protocols, and alerts that name no site at all. Each is posted to its route as the sender
// posts it. A payload that names a site opens an incident for that site; one that names none gets a
// 400 saying which fields were read, and opens nothing (a wrong site is worse than none).
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { payloadBytes } from '../fakes/alert-payloads/load-payload.js';
import { createHarness, type Harness, startWebhookServer } from './harness.js';

const SECRET = 'test-webhook-secret-0123456789';
let h: Harness;
let server: Awaited<ReturnType<typeof startWebhookServer>>;
let base: string;

beforeEach(async () => {
  h = await createHarness(inject('redisUrl'));
  server = await startWebhookServer(h, { secret: SECRET });
  base = server.base;
});
afterEach(async () => {
  await server.close();
  await h.close();
});

async function send(source: string, fixture: string) {
  const response = await fetch(`${base}/webhooks/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: payloadBytes(`real/${fixture}`),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each([
  ['pingdom', 'pingdom-http-up-to-down', 'someurl.com', 'open'],
  ['pingdom', 'pingdom-imap-down-to-up', undefined, undefined],
  ['uptimerobot', 'uptimerobot-snake-case-down', 'server1.example.com', 'open'],
  ['uptimerobot', 'uptimerobot-ngrok-down', '7d398dfc.ngrok.io', 'open'],
  ['uptime-kuma', 'uptime-kuma-2-http-down', 'test.com', 'open'],
  ['datadog', 'datadog-firehydrant-triggered', 'shop.example.com', 'open'],
])('POST /webhooks/%s with %s', (source, fixture, site, state) => {
  it(
    site ? `opens an incident for ${site}` : 'accepts it and opens nothing (an up with no incident open)',
    async () => {
      const answer = await send(source, fixture);
      expect(answer.status).toBe(202);
      if (site) expect(await h.service.context(`${site}#1`)).toMatchObject({ state, alerts: 1 });
      else expect(await h.redis.keys(`${h.prefix}:incident-state:inc:*`)).toEqual([]);
    },
  );
});

it("a Datadog custom template (FireHydrant's) resolves what it triggered", async () => {
  await send('datadog', 'datadog-firehydrant-triggered');
  const resolved = await send('datadog', 'datadog-firehydrant-recovered');
  expect(resolved.status).toBe(202);
  expect(await h.service.context('shop.example.com#1')).toMatchObject({ state: 'resolving' });
});

describe.each([
  ['pagerduty', 'pagerduty-triggered-no-site', /event\.data\.title/],
  ['pagerduty', 'pagerduty-reopened-no-site', /event\.data\.title/],
  ['checkly', 'checkly-api-recovery-no-url', /check_name/],
])('POST /webhooks/%s with %s (names no site)', (source, fixture, field) => {
  it('opens nothing, and says which fields it read', async () => {
    const answer = await send(source, fixture);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(field);
    expect(JSON.stringify(answer.body)).not.toMatch(/grafana\.org|pagerduty\.com|checklyhq\.com/);
    expect(await h.redis.keys(`${h.prefix}:incident-state:inc:*`)).toEqual([]);
  });
});

it('reads tags however the sender shapes them: "k:v" strings, one string, {name, value} objects, a map', async () => {
  const { siteFromTags } = await import('../../src/incidents/parsers/read-meaning.js');
  expect(siteFromTags('env:prod, site:shop.example.com')).toBe('shop.example.com');
  expect(siteFromTags(['env:prod', 'url:https://api.example.com/health'])).toBe('api.example.com');
  expect(siteFromTags([{ name: 'site', value: 'www.example.com', color: '#fff' }])).toBe('www.example.com');
  expect(siteFromTags({ env: 'prod', host: 'shop.example.com' })).toBe('shop.example.com');
  expect(siteFromTags({ env: 'prod' })).toBeUndefined();
});

it('Alertmanager alerts about machines (host "andromeda", LAN names) are ignored, never diagnosed', async () => {
  const answer = await send('alertmanager', 'alertmanager-host-label');
  expect(answer).toMatchObject({ status: 202, body: { accepted: 0, ignored: 2 } });
  const lan = JSON.parse(payloadBytes('real/alertmanager-host-label').toString('utf8'));
  lan.alerts[0].labels.instance = 'web-1.internal:9100';
  lan.alerts[1].labels.instance = 'nas.local';
  const response = await fetch(`${base}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify(lan),
  });
  expect(await response.json()).toMatchObject({ accepted: 0, ignored: 2 });
  expect(await h.redis.keys(`${h.prefix}:incident-state:inc:*`)).toEqual([]);
});
