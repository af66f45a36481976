// Drill: correctly SIGNED requests whose fields are missing or of the wrong type, on every inbound
// route (Slack slash command and button, Discord command and button, every alert sender's webhook).
// Authentication passes, so this reaches the parsing behind it: every field of a real payload is,
// in turn, deleted, emptied or replaced with null, a number, a boolean, an array and an object.
// None may answer 5xx (the red team got a 500 and a stack trace from a command without `text`).
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { signSlackRequest } from '../../src/chat/slack/verify-signature.js';
import type { ServerConfig } from '../../src/config.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import {
  APP_ID,
  commandInteraction,
  makeKeys,
  rerunInteraction,
  signedHeaders,
} from '../chat/discord/signing.js';
import { payload } from '../fakes/alert-payloads/load-payload.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger, testConfig } from '../support/slack-harness.js';
import { commandBody, rerunBody, SIGNING_SECRET } from '../support/slack-requests.js';
import { httpCall } from './support/check502-process.js';

const redisUrl = inject('redisUrl');
const WEBHOOK_SECRET = 'signed-fuzz-webhook-secret-0123';
const PAGERDUTY_SECRET = 'signed-fuzz-pagerduty-secret-4567';
const CHECKLY_SECRET = 'signed-fuzz-checkly-secret-89ab';
/** Every secret serve knows: none may come back in any answer. */
const SECRETS = [
  WEBHOOK_SECRET,
  PAGERDUTY_SECRET,
  CHECKLY_SECRET,
  SIGNING_SECRET,
  'xoxb-test-token',
  'discord-bot-token',
];
const keys = makeKeys();
const WRONG: readonly unknown[] = [
  undefined,
  '',
  null,
  0,
  -1,
  true,
  [],
  {},
  ['x'],
  { a: 1 },
  'x'.repeat(3000),
];

type Json = Record<string, unknown>;

/** Every path to a value in a JSON tree (objects and arrays), the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, inner]) => [[...prefix, key], ...paths(inner, [...prefix, key])]);
}

/** A copy of `value` with the thing at `path` replaced (`undefined` deletes it). */
function mutate(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Json;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = replacement;
  return copy;
}

function variants(base: unknown): unknown[] {
  const out: unknown[] = [];
  for (const path of paths(base)) for (const wrong of WRONG) out.push(mutate(base, path, wrong));
  return out;
}

describe('signed requests with missing or wrong-typed fields', () => {
  const prefix = `sf${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let slackApi: FakeSlackApi;
  let serve: ServeHandle;

  beforeAll(async () => {
    slackApi = await startFakeSlackApi();
    const config: ServerConfig = {
      ...testConfig(redisUrl, slackApi.apiUrl, prefix),
      webhookSecret: WEBHOOK_SECRET,
      senderSecrets: { pagerduty: PAGERDUTY_SECRET, checkly: CHECKLY_SECRET },
      discord: {
        applicationId: APP_ID,
        publicKey: keys.publicKeyHex,
        botToken: 'discord-bot-token',
        apiUrl: 'http://127.0.0.1:9/api',
      },
    };
    // The front alone: what is accepted is queued, not run.
    serve = await startServe({
      config,
      worker: false,
      logger,
      diagnoser: scriptedDiagnoser(),
      sinks: { slack: fastSink(slackApi.apiUrl) },
    });
  }, 30_000);

  afterAll(async () => {
    const figures = Object.fromEntries([...statuses].map(([k, v]) => [k, Object.fromEntries(v)]));
    console.info(`[figure] signed fuzz: answers by status ${JSON.stringify(figures)}`);
    await serve?.close();
    await slackApi?.close();
    await removePrefix(redisUrl, prefix);
  }, 30_000);

  const statuses = new Map<string, Map<number, number>>();
  let failures: string[] = [];
  beforeEach(() => {
    failures = [];
  });
  afterEach(() => {
    expect(failures).toEqual([]);
  });
  const send = async (
    label: string,
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ) => {
    const response = await httpCall(`${serve.url}${path}`, init, 10_000);
    const seen = statuses.get(label) ?? new Map<number, number>();
    seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
    statuses.set(label, seen);
    const what = `${init.method} ${path} ${(init.body ?? '').slice(0, 400)}`;
    if (response.status >= 500) failures.push(`${label}: ${response.status} for ${what}`);
    const echoed = SECRETS.filter((secret) => response.text.includes(secret));
    if (echoed.length > 0) failures.push(`${label}: answer echoes ${echoed.length} secret(s) for ${what}`);
    return response;
  };
  const post = (label: string, path: string, body: string, headers: Record<string, string>) =>
    send(label, path, { method: 'POST', headers, body });

  const slackSigned = (body: string, type: string) => ({
    'content-type': type,
    ...signSlackRequest(SIGNING_SECRET, body),
  });

  it('Slack slash commands: a field missing or empty, as a form or as JSON', async () => {
    const form = Object.fromEntries(
      new URLSearchParams(commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('f') })),
    );
    for (const key of Object.keys(form)) {
      for (const value of [undefined, '', ' ', 'x'.repeat(3000)]) {
        const fields = { ...form };
        if (value === undefined) delete fields[key];
        else fields[key] = value;
        const body = new URLSearchParams(fields).toString();
        await post(
          'slack-command',
          '/slack/events',
          body,
          slackSigned(body, 'application/x-www-form-urlencoded'),
        );
      }
    }
    // The red team's case, exactly: no `text` at all, and the answer is a usage hint.
    const { text: _omitted, ...noText } = form;
    const body = new URLSearchParams(noText).toString();
    const answer = await post(
      'slack-command',
      '/slack/events',
      body,
      slackSigned(body, 'application/x-www-form-urlencoded'),
    );
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/check502 <site>/);
    for (const variant of variants(form)) {
      const json = JSON.stringify(variant);
      await post('slack-command-json', '/slack/events', json, slackSigned(json, 'application/json'));
    }
  }, 120_000);

  it('Slack buttons: every field of the block_actions payload', async () => {
    const form = new URLSearchParams(
      rerunBody({
        site: 'shop.example.com',
        run: 2,
        channel: 'C0OPS',
        root: '1700000000.000001',
        summaryTs: '1700000000.000009',
        responseUrl: slackApi.responseUrl('b'),
      }),
    );
    const base = JSON.parse(form.get('payload') ?? '{}') as unknown;
    for (const variant of variants(base)) {
      const body = new URLSearchParams({ payload: JSON.stringify(variant) }).toString();
      await post(
        'slack-button',
        '/slack/events',
        body,
        slackSigned(body, 'application/x-www-form-urlencoded'),
      );
    }
  }, 120_000);

  it('Discord commands and buttons: every field of the interaction', async () => {
    const bases = [
      commandInteraction('shop.example.com'),
      rerunInteraction('check502:rerun:2:shop.example.com', '1100000000000000005', '1100000000000000006'),
      { type: 1, id: '1', application_id: APP_ID, token: 'ping-token' },
    ];
    for (const base of bases) {
      for (const variant of [...variants(base), null, [], 'x', 5]) {
        const body = JSON.stringify(variant);
        await post('discord', '/discord/interactions', body, signedHeaders(keys, body));
      }
    }
  }, 120_000);

  it('alert webhooks: every field of each source’s real payload', async () => {
    const sources: [string, string][] = [
      ['/webhooks/cloudflare', 'cloudflare-origin-error-rate'],
      ['/webhooks/alertmanager', 'alertmanager-firing'],
      ['/webhooks/grafana', 'grafana-firing'],
      ['/webhooks/generic', 'generic-firing'],
    ];
    for (const [path, fixture] of sources) {
      const base = payload(fixture);
      const auth: Record<string, string> = path.endsWith('cloudflare')
        ? { 'cf-webhook-auth': WEBHOOK_SECRET }
        : { authorization: `Bearer ${WEBHOOK_SECRET}` };
      for (const variant of [...variants(base), null, [], 'x', 5]) {
        await post(`webhook ${fixture}`, path, JSON.stringify(variant), {
          'content-type': 'application/json',
          ...auth,
        });
      }
    }
  }, 180_000);

  // The senders added later (issue 18), each authenticated every way it can be: the shared secret as
  // a Bearer header and as `?token=` (senders that cannot set headers), and PagerDuty's and
  // Checkly's own HMAC signature of the exact bytes. GET senders get every query field fuzzed too.
  const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');
  const NATIVE: [string, string][] = [
    ['uptime-kuma', 'uptime-kuma-down'],
    ['uptimerobot', 'uptimerobot-down'],
    ['betterstack', 'betterstack-started'],
    ['datadog', 'datadog-triggered'],
    ['pagerduty', 'pagerduty-triggered'],
    ['checkly', 'checkly-failure'],
    ['pingdom', 'pingdom-down'],
  ];
  for (const [source, fixture] of NATIVE) {
    it(`alert webhook ${source}: every field, signed every way it can be`, async () => {
      const base = payload(fixture);
      const ways: [string, (body: string) => { query: string; headers: Record<string, string> }][] = [
        ['bearer', () => ({ query: '', headers: { authorization: `Bearer ${WEBHOOK_SECRET}` } })],
        ['token', () => ({ query: `?token=${encodeURIComponent(WEBHOOK_SECRET)}`, headers: {} })],
      ];
      if (source === 'pagerduty')
        ways.push([
          'signed',
          (b) => ({ query: '', headers: { 'x-pagerduty-signature': `v1=${hmac(PAGERDUTY_SECRET, b)}` } }),
        ]);
      if (source === 'checkly')
        ways.push([
          'signed',
          (b) => ({ query: '', headers: { 'x-checkly-signature': hmac(CHECKLY_SECRET, b) } }),
        ]);
      for (const [way, auth] of ways) {
        for (const variant of [...variants(base), null, [], 'x', 5]) {
          const body = JSON.stringify(variant);
          const { query, headers } = auth(body);
          const answer = await post(`webhook ${source} (${way})`, `/webhooks/${source}${query}`, body, {
            'content-type': 'application/json',
            ...headers,
          });
          if (answer.status === 401) failures.push(`${source} (${way}): refused a correctly signed request`);
        }
      }
      // Senders that can send GET (Uptime Kuma, UptimeRobot): the same fields as query parameters.
      if (source === 'uptime-kuma' || source === 'uptimerobot') {
        const flat = Object.entries(base as Record<string, unknown>).map(
          ([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string],
        );
        for (let i = 0; i < flat.length; i++) {
          for (const value of [undefined, '', '{', '[1]', 'x'.repeat(3000)]) {
            const fields = flat.filter((_, k) => k !== i);
            if (value !== undefined) fields.push([flat[i]![0], value]);
            const query = new URLSearchParams([...fields, ['token', WEBHOOK_SECRET]]).toString();
            await send(`webhook ${source} (GET)`, `/webhooks/${source}?${query}`, {
              method: 'GET',
              headers: {},
            });
          }
        }
      }
    }, 180_000);
  }
});
