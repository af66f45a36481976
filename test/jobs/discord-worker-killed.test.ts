// A Discord job whose worker dies after posting in the thread is retried by another worker (another
// sink, nothing shared in memory): nothing is posted twice, and the thread is not lost: the second
// worker edits the same root through the same interaction token, and knows what the first learnt
// (a thread it cannot post in, the hint to show on the root). Sinks are built from configuration,
// as `check502 worker` builds them; real Redis; the Discord API is a loopback fake.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import { startServe, startWorker } from '../../src/main.js';
import {
  APP_ID,
  CHANNEL_ID,
  commandInteraction,
  makeKeys,
  postInteraction,
} from '../chat/discord/signing.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import { DISCORD_ERRORS, type FakeDiscordApi } from '../fakes/discord-api/shapes.js';
import { waitUntil } from '../faults/support/check502-process.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { logger, testConfig } from '../support/slack-harness.js';

const redisUrl = inject('redisUrl');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

/** The edge check's message (the first with a problem) is in a post ledger under `prefix`. */
async function edgeOnRecord(redis: Redis, prefix: string): Promise<boolean> {
  const keys = await redis.keys(`${prefix}:posted:*`);
  const fields = await Promise.all(keys.map((key) => redis.hkeys(key)));
  return fields.flat().includes('msg:check:edge');
}

const stall = { lockDurationMs: 1000, stalledIntervalMs: 300 };

/** A front, worker A (hung in the origin check after the edge's post), a signed /check502. */
async function killedAfterAPost(prepare?: (api: FakeDiscordApi) => void) {
  const discordApi = await startFakeDiscordApi();
  prepare?.(discordApi);
  const prefix = `dk${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const keys = makeKeys();
  const { slack: _slack, ...base } = testConfig(redisUrl, 'http://127.0.0.1:9', prefix);
  const config: ServerConfig = {
    ...base,
    discord: {
      applicationId: APP_ID,
      publicKey: keys.publicKeyHex,
      botToken: 'bot-tok',
      apiUrl: discordApi.apiUrl,
    },
  };
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  cleanups.push(
    () => discordApi.close(),
    () => removePrefix(redisUrl, prefix),
    async () => void (await redis.quit()),
  );
  const front = await startServe({ config, worker: false, logger });
  cleanups.push(() => front.close());
  const workerA = await startWorker({
    config,
    logger,
    diagnoser: scriptedDiagnoser({ originGate: () => new Promise<void>(() => {}) }),
    ...stall,
  });

  const interaction = commandInteraction('shop.example.com');
  discordApi.addInteraction(interaction.token, CHANNEL_ID);
  const ack = await postInteraction(`${front.url}/discord/interactions`, keys, interaction);
  expect(await ack.json()).toEqual({ type: 5 }); // deferred: the worker makes it the root
  // Stop A only once its post is on record: a crash between a post and its record repeats that
  // one message by design (post-ledger.ts), which is not what this test is about.
  await waitUntil(async () => await edgeOnRecord(redis, prefix), 'the post on record', 10_000);
  await workerA.close(0); // stops renewing its lock and drops its Redis connections

  const workerB = await startWorker({ config, logger, diagnoser: scriptedDiagnoser(), ...stall });
  cleanups.push(() => workerB.close(2000));
  const root = () => discordApi.messagesIn(CHANNEL_ID)[0];
  await discordApi.waitFor(() => root()?.content.includes(': failing') === true, 15_000);
  return { discordApi, root: root()!, token: interaction.token };
}

describe('a Discord job whose worker dies after a post', () => {
  it('is finished by another worker in the same thread, through the same interaction, nothing twice', async () => {
    const { discordApi, root } = await killedAfterAPost();

    expect(discordApi.messagesIn(CHANNEL_ID)).toHaveLength(1); // one root
    expect(discordApi.callsTo(/\/threads$/, 'POST')).toHaveLength(1); // one thread
    const thread = discordApi.messagesIn(root.id);
    const codes = thread.map((m) => String((m.embeds?.[0] as { footer?: { text?: string } })?.footer?.text));
    // Each check's message once (A posted the edge's before it died), then B's summary.
    expect(codes.filter((c) => c === 'edge.error')).toHaveLength(1);
    expect(codes.filter((c) => c === 'origin.connection_refused')).toHaveLength(1);
    expect(thread.filter((m) => JSON.stringify(m.embeds).includes('Primary cause'))).toHaveLength(1);
    expect(thread).toHaveLength(3);
    // B edited the root through the interaction A answered (the token lives 15 minutes), not as a
    // bot message edit: it learnt the interaction from the shared thread state.
    expect(discordApi.callsTo(/@original$/, 'PATCH').map((c) => c.status)).toEqual([200, 200]);
    expect(discordApi.callsTo(new RegExp(`^/channels/\\d+/messages/${root.id}$`), 'PATCH')).toHaveLength(0);
  }, 45_000);

  it('does not retry a thread the first worker found closed to it, and still tells people why on the root', async () => {
    // The bot can answer the command but may not post in threads.
    const { discordApi, root } = await killedAfterAPost((api) =>
      api.failWith(/^\/channels\/\d+\/messages$/, DISCORD_ERRORS.missingPermissions),
    );
    // A tried the thread once (the edge's problem) and gave up on it; B did not try again.
    expect(discordApi.callsTo(/^\/channels\/\d+\/messages$/, 'POST')).toHaveLength(1);
    expect(root.content).toContain('Send Messages in Threads'); // A's hint, shown by B's edit
    expect(root.content).toContain('shop.example.com**: failing');
  }, 45_000);
});
