// Whatever quotes a secret, nothing the bot sends carries it: `serve` as shipped (sinks built from
// configuration), with a diagnoser whose report and streamed findings quote every configured
// secret (as if a future check bypassed the diagnosis' own scrubbing), and a route that answers
// with them. The Slack and Discord fakes record every call; none may hold a secret, and neither
// may any HTTP answer.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import type { Diagnoser } from '../../src/diagnoser.js';
import { json } from '../../src/http/route.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { APP_ID, CHANNEL_ID, commandInteraction, makeKeys, signedHeaders } from '../chat/discord/signing.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import type { FakeDiscordApi } from '../fakes/discord-api/shapes.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { reported } from '../support/findings.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { logger, testConfig, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned, SIGNING_SECRET } from '../support/slack-requests.js';

const redisUrl = inject('redisUrl');
const keys = makeKeys();
const prefix = `sx${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const SECRETS = {
  cloudflare: `cf${randomUUID().replace(/-/g, '')}`,
  fix: `fx${randomUUID().replace(/-/g, '')}`,
  slackBot: 'xoxb-test-token',
  slackSigning: SIGNING_SECRET,
  discordBot: `discord-bot-${randomUUID()}`,
  webhook: `wh-${randomUUID()}`,
};
const ALL = Object.values(SECRETS);
const quote = `upstream quoted ${ALL.join(' ')}`;

let slackApi: FakeSlackApi;
let discordApi: FakeDiscordApi;
let serve: ServeHandle;

/** A diagnoser that leaks: every streamed check and the report carry all the secrets. */
function leakingDiagnoser(): Diagnoser {
  const inner = scriptedDiagnoser();
  const said = reported({
    code: 'cloudflare.api_unavailable',
    severity: 'warn',
    title: `The API said ${quote}`,
    detail: quote,
    evidence: { reason: quote },
  });
  // A nested blob no check writes: the scrubber walks any evidence, typed or not.
  const leak = { ...said, evidence: { reason: quote, nested: [{ header: `Bearer ${SECRETS.cloudflare}` }] } };
  return {
    async run(target, options, listener) {
      const report = await inner.run(target, options, {
        onCheck: (summary, findings) => listener?.onCheck?.(summary, [...findings, leak]),
      });
      return { ...report, findings: [leak, ...report.findings], primaryCause: leak.code };
    },
    close: () => inner.close(),
  };
}

beforeAll(async () => {
  [slackApi, discordApi] = await Promise.all([startFakeSlackApi(), startFakeDiscordApi()]);
  const base = testConfig(redisUrl, slackApi.apiUrl, prefix);
  const config: ServerConfig = {
    ...base,
    cloudflareApiToken: SECRETS.cloudflare,
    cloudflareFixToken: SECRETS.fix,
    webhookSecret: SECRETS.webhook,
    discord: {
      applicationId: APP_ID,
      publicKey: keys.publicKeyHex,
      botToken: SECRETS.discordBot,
      apiUrl: discordApi.apiUrl,
    },
  };
  serve = await startServe({
    config,
    worker: true,
    logger,
    diagnoser: leakingDiagnoser(),
    extraRoutes: [
      {
        method: 'GET',
        path: '/leak',
        handle: async () => json(200, { said: quote }, { 'x-said': `Bearer ${SECRETS.cloudflare}` }),
      },
    ],
  });
}, 30_000);

afterAll(async () => {
  await serve?.close();
  await Promise.all([slackApi?.close(), discordApi?.close()]);
  await removePrefix(redisUrl, prefix);
});

function expectClean(text: string): void {
  for (const secret of ALL) expect(text).not.toContain(secret);
}

it('posts no secret to Slack or Discord, whatever the report quotes', async () => {
  const ack = await postSigned(
    serve.url,
    commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('a') }),
  );
  expect(ack.status).toBe(200);
  const interaction = commandInteraction('shop.example.com');
  discordApi.addInteraction(interaction.token, CHANNEL_ID);
  const body = JSON.stringify(interaction);
  const answer = await fetch(`${serve.url}/discord/interactions`, {
    method: 'POST',
    body,
    headers: signedHeaders(keys, body),
    signal: AbortSignal.timeout(5000),
  });
  expect(answer.status).toBe(200);
  await slackApi.waitFor(() => threadOf(slackApi).updates.length >= 1, 20_000);
  await discordApi.waitFor(
    () => discordApi.messagesIn(CHANNEL_ID).some((m) => m.edits > 0 && /failing|degraded/.test(m.content)),
    20_000,
  );
  const slackText = JSON.stringify(slackApi.calls.map((c) => c.args));
  const discordText = JSON.stringify(discordApi.calls.map((c) => c.body));
  expect(slackText).toContain('upstream quoted'); // the leak reached the chat
  expect(discordText).toContain('upstream quoted');
  expectClean(slackText);
  expectClean(discordText);
}, 60_000);

it('answers no HTTP request with a secret, in the body or a header', async () => {
  const response = await fetch(`${serve.url}/leak`, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  expect(text).toContain('upstream quoted');
  expectClean(text);
  expectClean(JSON.stringify([...response.headers]));
  // A user who pastes a secret into the command does not get it echoed back either.
  const echoed = await postSigned(
    serve.url,
    commandBody({ text: SECRETS.webhook, responseUrl: slackApi.responseUrl('b') }),
  );
  expectClean(echoed.text);
});
