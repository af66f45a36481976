// The storm message is posted exactly once per platform when an attempt posts it and its record is
// lost (Redis died between the platform's answer and the HSET): the job's retry finds the message by
// its key (Slack: metadata read back from conversations.history; Discord: nonce with enforce_nonce)
// instead of posting a second one. Real Redis, real sinks against the loopback fakes.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, expect, inject, it } from 'vitest';
import { createDiscordRest } from '../../src/chat/discord/api/rest-client.js';
import { createDiscordSink } from '../../src/chat/discord/discord-sink.js';
import type { ThreadRef } from '../../src/chat/sink.js';
import { SlackSink } from '../../src/chat/slack/slack-sink.js';
import { createIncidentStore } from '../../src/incidents/incident-store.js';
import { queueStormPost, STORM_QUEUE } from '../../src/incidents/storm-queue.js';
import { createStormStore } from '../../src/incidents/storm-store.js';
import { startStormWorker } from '../../src/incidents/storm-worker.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';
import { eventually, logger, report } from './harness.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

it('a storm message whose record was lost is not posted again by the retry (Slack and Discord)', async () => {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  closers.push(async () => redis.disconnect());
  const slackApi = await startFakeSlackApi();
  closers.push(() => slackApi.close());
  const discordApi = await startFakeDiscordApi();
  closers.push(() => discordApi.close());
  const slack = new SlackSink({ botToken: 'xoxb-t', apiUrl: slackApi.apiUrl, logger, baseBackoffMs: 5 });
  const rest = createDiscordRest({
    botToken: 'bot-t',
    apiUrl: discordApi.apiUrl,
    timeoutMs: 2000,
    retries: 0,
  });
  const discord = createDiscordSink({ rest, logger });
  const channels = { slack: 'C-ALERTS', discord: '1200000000000000001' };

  const store = createIncidentStore({ redis, prefix, editIntervalMs: 30 });
  const real = createStormStore(redis, prefix);
  // The first record of each platform's message fails as it does when Redis dies right after the post.
  const lost = new Set<string>();
  const storms = {
    ...real,
    async setMessage(sid: string, ref: ThreadRef) {
      if (!lost.has(ref.platform)) {
        lost.add(ref.platform);
        throw new Error('Connection is closed.');
      }
      await real.setMessage(sid, ref);
    },
  };
  const queue = new Queue(STORM_QUEUE, { connection: redis.duplicate(), prefix });
  closers.push(() => queue.close());
  const worker = startStormWorker({
    redis,
    prefix,
    store,
    storms,
    queue,
    sinks: { slack, discord },
    channels,
    recheck: async (site) => report(site, 'failing'),
    logger,
    clock: { now: () => new Date() },
    probeBudgetMs: 50,
    editWindowMs: 1000,
  });
  closers.push(() => worker.close());

  const note = await real.noteOpened(['a.example.com#1', 'b.example.com#1', 'c.example.com#1'], new Date());
  expect(note?.created).toBe(true);
  await queueStormPost(queue, note!.storm);
  await eventually(async () => {
    const storm = await real.get(note!.storm);
    expect(Object.keys(storm?.messages ?? {}).sort()).toEqual(['discord', 'slack']);
  }, 10_000);
  expect(lost).toEqual(new Set(['slack', 'discord']));
  const slackPosts = slackApi.callsOf('chat.postMessage').filter((c) => c.args['channel'] === channels.slack);
  expect(slackPosts).toHaveLength(1);
  expect(discordApi.messagesIn(channels.discord)).toHaveLength(1);
  const storm = await real.get(note!.storm);
  expect(storm?.messages.slack?.root).toBe(slackPosts[0]?.args['ts'] ?? storm?.messages.slack?.root);
  expect(storm?.messages.discord?.root).toBe(discordApi.messagesIn(channels.discord)[0]?.id);
});
