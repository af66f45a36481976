// Watches through the real `check502 serve` (signed Slack requests, in-process workers, real Redis
// and BullMQ, the Slack fake) against the lab: a watched site that recovers gets exactly one
// recovery message in its thread and a root that ends showing the outcome without a Stop button; a
// second request joins; the Stop button ends a watch with one outcome note.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, inject, it } from 'vitest';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import {
  APP_ID,
  CHANNEL_ID,
  commandInteraction,
  makeKeys,
  postInteraction,
} from '../chat/discord/signing.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import type { FakeDiscordApi } from '../fakes/discord-api/shapes.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { LAB_HOST, startLabDiagnoser } from '../support/lab-diagnoser.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { uniquePrefix } from '../support/redis-test-target.js';
import { logger, testConfig } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';
import { switchableDiagnoser } from './support/switchable-diagnoser.js';

const redis = inject('redisTarget');
const keys = makeKeys();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** `hold`: every diagnosis waits for it before probing (a run held mid-way); `started` counts them. */
async function start(delayMs: number, hold?: Promise<void>, discord?: FakeDiscordApi) {
  const [slackApi, lab] = await Promise.all([startFakeSlackApi(), startLabDiagnoser()]);
  const diagnoser = Object.assign(switchableDiagnoser(lab), { started: 0 });
  if (hold) {
    const probe = diagnoser.run;
    diagnoser.run = async (...args) => {
      diagnoser.started++;
      await hold;
      return probe(...args);
    };
  }
  const prefix = uniquePrefix(redis, 'ew');
  const serve: ServeHandle = await startServe({
    config: {
      ...testConfig(redis, slackApi.apiUrl, prefix),
      ...(discord
        ? {
            discord: {
              applicationId: APP_ID,
              publicKey: keys.publicKeyHex,
              botToken: 'discord-bot-token',
              apiUrl: discord.apiUrl,
            },
          }
        : {}),
    },
    worker: true,
    logger,
    diagnoser,
    watchTimings: { firstDelayMs: delayMs, nextDelayMs: delayMs },
  });
  cleanups.push(
    () => diagnoser.close(),
    () => slackApi.close(),
    () => removePrefix(redis, prefix),
    () => serve.close(),
  );
  const command = (text: string, channel = 'C0OPS') =>
    postSigned(serve.url, commandBody({ text, channel, responseUrl: slackApi.responseUrl(randomUUID()) }));
  return { serve, slackApi, diagnoser, command };
}

function thread(slackApi: FakeSlackApi) {
  const posts = slackApi.callsOf('chat.postMessage').filter((c) => c.result?.['ok'] === true);
  const roots = posts.filter((c) => c.args['thread_ts'] === undefined);
  const rootTs = roots[0]?.result?.['ts'] as string | undefined;
  const replies = posts.filter((c) => c.args['thread_ts'] !== undefined && c.args['thread_ts'] === rootTs);
  const updates = slackApi.callsOf('chat.update').filter((c) => c.result?.['ok'] === true);
  return { roots, rootTs, replies, updates, texts: replies.map((r) => String(r.args['text'])) };
}

const blocks = (call: { args: Record<string, unknown> }) => JSON.stringify(call.args['blocks'] ?? []);

it('a watched lab site that recovers gets exactly one recovery message in its thread', async () => {
  const { slackApi, diagnoser, command } = await start(150);
  const ack = await command(`watch ${LAB_HOST} 10m`);
  expect(ack.status).toBe(200);
  expect(ack.json?.text).toMatch(/^👀 Watching \*.+\* for 10 min: I re-check it in a thread in this channel/);
  // Run 1 in full: the lab's origin refuses.
  await slackApi.waitFor(
    () => thread(slackApi).replies.some((r) => blocks(r).includes('origin.connection_refused')),
    20_000,
  );
  const first = thread(slackApi);
  expect(first.roots).toHaveLength(1);
  expect(blocks(first.roots[0]!)).toContain('check502_watch_stop');
  // A second request joins the watch instead of starting another thread.
  const again = await command(LAB_HOST);
  expect(again.json?.text).toMatch(
    /is already being watched — see <https:\/\/slack\.com\/archives\/C0OPS\/p\d+\|its thread>/,
  );
  // Two more failing runs post nothing; then the site recovers.
  await slackApi.waitFor(() => diagnoser.runs.length >= 3, 20_000);
  expect(thread(slackApi).replies).toHaveLength(first.replies.length);
  diagnoser.fixed = true;
  await slackApi.waitFor(() => thread(slackApi).texts.some((t) => /recovered after/.test(t)), 20_000);
  await slackApi.waitFor(
    () => /Watch: recovered after/.test(blocks(thread(slackApi).updates.at(-1)!)),
    10_000,
  );
  await new Promise((r) => setTimeout(r, 800)); // any straggling duplicate would show by now
  const done = thread(slackApi);
  expect(done.roots).toHaveLength(1);
  expect(done.texts.filter((t) => /recovered/.test(t))).toHaveLength(1);
  expect(done.texts.at(-1)).toMatch(
    /^✅ .+ recovered after \d+ s \(first healthy \d\d:\d\d:\d\d\)\. Watch ended after \d+ runs\.$/,
  );
  // The root was kept current and ends with the outcome, its Stop button gone.
  const last = done.updates.at(-1)!;
  expect(blocks(last)).toMatch(/Watch: recovered after/);
  expect(blocks(last)).not.toContain('check502_watch_stop');
  expect(done.updates.some((u) => blocks(u).includes('confirming'))).toBe(true);
}, 60_000);

it('the Stop button ends the watch: one outcome note, no more runs', async () => {
  const { serve, slackApi, diagnoser, command } = await start(60_000);
  expect((await command(`watch ${LAB_HOST}`)).status).toBe(200);
  await slackApi.waitFor(() => thread(slackApi).updates.length >= 1, 20_000);
  const root = thread(slackApi).roots[0]!;
  const stop = JSON.parse(blocks(thread(slackApi).updates.at(-1)!))
    .flatMap((b: { elements?: { action_id?: string; value?: string }[] }) => b.elements ?? [])
    .find((e: { action_id?: string }) => e.action_id === 'check502_watch_stop');
  expect(stop?.value).toMatch(/^w-[a-f0-9]{16}$/);
  const payload = {
    type: 'block_actions',
    user: { id: 'U0BOB', username: 'bob', team_id: 'T0TEAM' },
    team: { id: 'T0TEAM', domain: 'acme' },
    channel: { id: 'C0OPS', name: 'ops' },
    container: { type: 'message', message_ts: root.result?.['ts'], channel_id: 'C0OPS' },
    message: { type: 'message', ts: root.result?.['ts'], text: 'root' },
    response_url: slackApi.responseUrl('stop'),
    actions: [{ type: 'button', action_id: 'check502_watch_stop', value: stop.value, action_ts: '1' }],
  };
  const pressed = await postSigned(
    serve.url,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  );
  expect(pressed.status).toBe(200);
  await slackApi.waitFor(() => thread(slackApi).texts.some((t) => t.startsWith('⏹')), 20_000);
  await slackApi.waitFor(() => /Watch: stopped after/.test(blocks(thread(slackApi).updates.at(-1)!)), 10_000);
  await slackApi.waitFor(
    () => slackApi.responses.some((r) => /Stopping the watch/.test(JSON.stringify(r))),
    5000,
  );
  await new Promise((r) => setTimeout(r, 500));
  const done = thread(slackApi);
  expect(done.texts.filter((t) => t.startsWith('⏹'))).toEqual([
    expect.stringMatching(/^⏹ .+ stopped after \d+ s \(still failing\)\. Watch ended after 1 run\.$/),
  ]);
  expect(blocks(done.updates.at(-1)!)).not.toContain('check502_watch_stop');
  expect(diagnoser.runs).toHaveLength(1);
}, 60_000);

it('a watch asked while a diagnosis of the site runs joins it: one diagnosis at a time, one thread', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const { slackApi, diagnoser, command } = await start(60_000, held);
  cleanups.push(async () => release()); // a failed expectation must not leave the worker held
  expect((await command(LAB_HOST)).status).toBe(200);
  await slackApi.waitFor(() => thread(slackApi).roots.length === 1 && diagnoser.started === 1, 20_000);
  const ack = await command(`watch ${LAB_HOST} 10m`);
  expect(ack.json?.text).toMatch(
    /^👀 Watching \*.+\* for 10 min: a diagnosis of it is already running — see <https:\/\/slack\.com\/archives\/C0OPS\/p\d+\|its thread>\. When it ends I go on re-checking there/,
  );
  await new Promise((r) => setTimeout(r, 1500)); // a doubled run or thread would show by now
  expect(diagnoser.started).toBe(1);
  expect(thread(slackApi).roots).toHaveLength(1);
  // The diagnosis ends; the watch goes on in its thread, whose root gets the status and Stop button.
  release();
  await slackApi.waitFor(
    () => thread(slackApi).updates.some((u) => blocks(u).includes('check502_watch_stop')),
    20_000,
  );
  await new Promise((r) => setTimeout(r, 500)); // the diagnosis's own last root edit would show by now
  const done = thread(slackApi);
  expect(done.roots).toHaveLength(1);
  // The root ends showing the watch (not overwritten by the joined run's last edit).
  expect(blocks(done.updates.at(-1)!)).toContain('check502_watch_stop');
  const stopOn = done.updates.filter((u) => blocks(u).includes('check502_watch_stop'));
  expect(stopOn.every((u) => u.args['ts'] === done.rootTs)).toBe(true);
  expect(diagnoser.started).toBe(2);
}, 60_000);

it('on Discord, a watch joining a running diagnosis is answered at once (no deferred root left thinking) and goes on in its thread', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const discordApi = await startFakeDiscordApi();
  cleanups.push(() => discordApi.close());
  const { serve, diagnoser } = await start(60_000, held, discordApi);
  cleanups.push(async () => release());
  const send = (interaction: ReturnType<typeof commandInteraction>) => {
    discordApi.addInteraction(interaction.token, CHANNEL_ID);
    return postInteraction(`${serve.url}/discord/interactions`, keys, interaction);
  };
  expect(await (await send(commandInteraction(LAB_HOST))).json()).toEqual({ type: 5 });
  await discordApi.waitFor(
    () => discordApi.messagesIn(CHANNEL_ID).length === 1 && diagnoser.started === 1,
    20_000,
  );
  const watch = commandInteraction(undefined);
  watch.data.options = [
    {
      name: 'watch',
      type: 1,
      options: [
        { name: 'site', type: 3, value: LAB_HOST },
        { name: 'duration', type: 3, value: '10m' },
      ],
    },
  ] as never;
  const answer = (await (await send(watch)).json()) as { type: number; data?: { content?: string } };
  expect(answer.type).toBe(4);
  expect(answer.data?.content).toMatch(/a diagnosis of it is already running/);
  release();
  const root = () => discordApi.messagesIn(CHANNEL_ID)[0]!;
  await discordApi.waitFor(() => /check502:unwatch:w-/.test(JSON.stringify(root().components)), 20_000);
  expect(discordApi.messagesIn(CHANNEL_ID)).toHaveLength(1);
  expect(diagnoser.started).toBe(2);
}, 60_000);
