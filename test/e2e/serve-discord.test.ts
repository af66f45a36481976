// `check502 serve` as shipped (the real startServe, sinks and routes built from configuration):
// a signed Discord `/check502` interaction gets its deferred answer, a thread of the real findings,
// and the same primary cause Slack shows for the same site. Real Redis; Slack, Discord, Cloudflare,
// the edge and the origin are loopback fakes.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import type { Diagnoser } from '../../src/diagnoser.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import {
  APP_ID,
  CHANNEL_ID,
  commandInteraction,
  makeKeys,
  postInteraction,
  signedHeaders,
} from '../chat/discord/signing.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import type { FakeDiscordApi } from '../fakes/discord-api/shapes.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { LAB_HOST, startLabDiagnoser } from '../support/lab-diagnoser.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { uniquePrefix } from '../support/redis-test-target.js';
import { logger, testConfig, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';

const redis = inject('redisTarget');
const keys = makeKeys();
const prefix = uniquePrefix(redis, 'e2');
let diagnoser: Diagnoser;
let slackApi: FakeSlackApi;
let discordApi: FakeDiscordApi;
let serve: ServeHandle;

beforeAll(async () => {
  [diagnoser, slackApi, discordApi] = await Promise.all([
    startLabDiagnoser(),
    startFakeSlackApi(),
    startFakeDiscordApi(),
  ]);
  const config: ServerConfig = {
    ...testConfig(redis, slackApi.apiUrl, prefix),
    discord: {
      applicationId: APP_ID,
      publicKey: keys.publicKeyHex,
      botToken: 'discord-bot-token',
      apiUrl: discordApi.apiUrl,
    },
  };
  // No sinks given: serve builds the Slack and Discord sinks from the configuration.
  serve = await startServe({ config, worker: true, logger, diagnoser });
}, 30_000);

afterAll(async () => {
  await serve?.close();
  await Promise.all([slackApi?.close(), discordApi?.close(), diagnoser?.close()]);
  await removePrefix(redis, prefix);
});

it('answers a signed /check502 with a deferral, threads the findings, and names the cause Slack names', async () => {
  const ack = await postSigned(
    serve.url,
    commandBody({ text: LAB_HOST, responseUrl: slackApi.responseUrl('lab') }),
  );
  expect(ack.status).toBe(200);
  await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1, 20_000);
  const slackRoot = String(threadOf(slackApi).updates[0]?.args['text']);
  const slackCause = /\(([a-z_.]+)\)/.exec(slackRoot)?.[1];
  expect(slackCause).toBe('origin.connection_refused');

  const interaction = commandInteraction(LAB_HOST);
  discordApi.addInteraction(interaction.token, CHANNEL_ID);
  const response = await postInteraction(`${serve.url}/discord/interactions`, keys, interaction);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ type: 5 }); // deferred channel message

  await discordApi.waitFor(
    () => discordApi.messagesIn(CHANNEL_ID).some((m) => m.content.includes(': failing')),
    20_000,
  );
  const root = discordApi.messagesIn(CHANNEL_ID)[0]!;
  expect(discordApi.messagesIn(CHANNEL_ID)).toHaveLength(1);
  expect(root.content).toContain(`\`${slackCause}\``);
  const thread = discordApi.messagesIn(root.id);
  expect(thread.length).toBeGreaterThanOrEqual(3);
  expect(JSON.stringify(thread.map((m) => m.embeds))).toContain('edge.error');
  const summary = JSON.stringify(thread.at(-1)?.embeds);
  expect(summary).toContain('Primary cause');
}, 60_000);

it('refuses an interaction signed with another key and queues nothing', async () => {
  const other = makeKeys();
  const body = JSON.stringify(commandInteraction(LAB_HOST));
  const before = discordApi.calls.length;
  const response = await fetch(`${serve.url}/discord/interactions`, {
    method: 'POST',
    body,
    headers: signedHeaders(other, body),
    signal: AbortSignal.timeout(5000),
  });
  expect(response.status).toBe(401);
  await new Promise((r) => setTimeout(r, 300));
  expect(discordApi.calls.length).toBe(before);
});
