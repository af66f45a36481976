// A watch on Discord end to end: a signed `/check502 watch site: duration:` subcommand into the real
// route is deferred, the watch's root becomes that response with a Stop component, and a signed
// click on Stop ends the watch: one outcome message in the thread, the root's button gone.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, expect, inject, it } from 'vitest';
import { createDiscordRest } from '../../src/chat/discord/api/rest-client.js';
import { discordRoutes } from '../../src/chat/discord/discord-routes.js';
import { createDiscordSink } from '../../src/chat/discord/discord-sink.js';
import { createChatFront } from '../../src/chat/front/chat-front.js';
import { parseSite } from '../../src/diagnosis/target.js';
import { createHttpServer } from '../../src/http/server.js';
import { createWatchService } from '../../src/watch/watch-service.js';
import { startWatchWorkers } from '../../src/watch/watch-workers.js';
import {
  CHANNEL_ID,
  commandInteraction,
  makeKeys,
  rerunInteraction,
  signedHeaders,
} from '../chat/discord/signing.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';

const redisUrl = inject('redisUrl');
const logger = pino({ level: 'silent' });
const keys = makeKeys();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

it('/check502 watch on Discord: deferred, a root with Stop, and Stop ends it with one outcome message', async () => {
  const api = await startFakeDiscordApi();
  const prefix = `dw${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const sink = createDiscordSink({
    rest: createDiscordRest({ botToken: 'bot-token-for-tests', apiUrl: api.apiUrl, timeoutMs: 3000 }),
    logger,
  });
  const watches = createWatchService({ redis, prefix });
  const workers = startWatchWorkers({
    redisUrl,
    prefix,
    diagnose: async (input) => {
      const parsed = parseSite(input);
      if (!parsed.ok) throw new Error(parsed.reason);
      return scriptedDiagnoser().run(parsed.target, { timeoutMs: 3000 });
    },
    sinks: { discord: sink },
    logger,
    timings: { firstDelayMs: 60_000, nextDelayMs: 60_000 },
  });
  const http = createHttpServer({
    routes: discordRoutes({
      publicKey: keys.publicKeyHex,
      front: createChatFront({
        requester: { request: async () => ({ outcome: 'queued', jobId: 'x' }) },
        logger,
        watches,
      }),
      logger,
    }),
    logger,
  });
  const address = await http.listen(0, '127.0.0.1');
  cleanups.push(
    () => api.close(),
    () => removePrefix(redisUrl, prefix),
    () => redis.quit(),
    () => watches.close(),
    () => workers.close(),
    () => http.close(),
  );
  const send = async (payload: unknown) => {
    const body = JSON.stringify(payload);
    const response = await fetch(`http://127.0.0.1:${address.port}/discord/interactions`, {
      method: 'POST',
      body,
      headers: signedHeaders(keys, body),
    });
    return (await response.json()) as { type: number; data?: { content?: string } };
  };

  const command = commandInteraction(undefined, {});
  command.data.options = [
    {
      name: 'watch',
      type: 1,
      options: [
        { name: 'site', type: 3, value: 'shop.example.com' },
        { name: 'duration', type: 3, value: '20m' },
      ],
    },
  ] as never;
  api.addInteraction(command.token, CHANNEL_ID);
  expect((await send(command)).type).toBe(5); // deferred: "check502 is thinking…" becomes the root
  // The first run's summary lands in the thread; the root shows the watch with its Stop button.
  await api.waitFor(() => [...api.messages.values()].some((m) => m.channel_id !== CHANNEL_ID), 10_000);
  const root = () => [...api.messages.values()].find((m) => m.channel_id === CHANNEL_ID)!;
  await api.waitFor(() => /Watch: failing/.test(root().content), 10_000);
  const stopId = JSON.stringify(root().components).match(/check502:unwatch:(w-[a-f0-9]+)/)?.[0];
  expect(stopId).toBeDefined();

  const threadId = [...api.messages.values()].find((m) => m.channel_id !== CHANNEL_ID)!.channel_id;
  const click = rerunInteraction(stopId!, threadId, root().id);
  const answer = await send(click);
  expect(answer.data?.content).toBe(
    'Stopping the watch of shop.example.com; its outcome is posted in its thread.',
  );
  await api.waitFor(() => api.messagesIn(threadId).some((m) => m.content.startsWith('⏹')), 10_000);
  await api.waitFor(() => /Watch: stopped after/.test(root().content), 10_000);
  expect(root().components).toEqual([]);
  expect(api.messagesIn(threadId).filter((m) => m.content.startsWith('⏹'))).toHaveLength(1);
}, 30_000);
