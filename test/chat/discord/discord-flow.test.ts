// The Discord path end to end: signed interactions into the real route, real Redis and BullMQ
// workers running the real engine with scripted checks, and the sink posting to a loopback fake of
// Discord's API.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDiscordRest } from '../../../src/chat/discord/api/rest-client.js';
import { discordRoutes } from '../../../src/chat/discord/discord-routes.js';
import { createDiscordSink } from '../../../src/chat/discord/discord-sink.js';
import { createChatFront } from '../../../src/chat/front/chat-front.js';
import { createHttpServer, type HttpServer } from '../../../src/http/server.js';
import { createDiagnosisProducer, type DiagnosisProducer } from '../../../src/jobs/diagnosis-producer.js';
import { type DiagnosisWorkers, startDiagnosisWorkers } from '../../../src/jobs/diagnosis-workers.js';
import { DIAGNOSIS_QUEUE } from '../../../src/jobs/queue-names.js';
import { startFakeDiscordApi } from '../../fakes/discord-api/server.js';
import type { FakeDiscordApi, FakeMessage } from '../../fakes/discord-api/shapes.js';
import { removePrefix } from '../../support/redis-cleanup.js';
import { type RedisServer, startRedisServer } from '../../support/redis-server.js';
import { scriptedDiagnoser } from '../../support/scripted-diagnoser.js';
import { CHANNEL_ID, commandInteraction, makeKeys, rerunInteraction, signedHeaders } from './signing.js';

const redisUrl = inject('redisUrl');
const logger = pino({ level: 'silent' });
const keys = makeKeys();

interface Stack {
  api: FakeDiscordApi;
  url: string;
  prefix: string;
  producer: DiagnosisProducer;
  close(): Promise<void>;
}

async function startStack(options: { redis?: string; gate?: () => Promise<void>; workers?: boolean } = {}) {
  const redis = options.redis ?? redisUrl;
  const api = await startFakeDiscordApi();
  const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const producer = createDiagnosisProducer({ redisUrl: redis, prefix });
  await producer.ready(3000);
  const rest = createDiscordRest({ botToken: 'bot-token-for-tests', apiUrl: api.apiUrl, timeoutMs: 3000 });
  const sink = createDiscordSink({ rest, logger });
  let workers: DiagnosisWorkers | undefined;
  if (options.workers !== false) {
    const diagnoser = scriptedDiagnoser(options.gate ? { originGate: options.gate } : {});
    workers = startDiagnosisWorkers({
      redisUrl: redis,
      prefix,
      concurrency: 2,
      diagnoser,
      sinks: { discord: sink },
      logger,
    });
  }
  const http: HttpServer = createHttpServer({
    routes: discordRoutes({
      publicKey: keys.publicKeyHex,
      front: createChatFront({ requester: producer, logger }),
      logger,
    }),
    logger,
  });
  const address = await http.listen(0, '127.0.0.1');
  return {
    api,
    url: `http://127.0.0.1:${address.port}/discord/interactions`,
    prefix,
    producer,
    async close() {
      await http.close();
      await workers?.close(3000);
      await producer.close();
      await api.close();
      if (!options.redis) await removePrefix(redis, prefix);
    },
  } satisfies Stack;
}

async function send(url: string, payload: unknown, headers?: Record<string, string>) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: headers ?? signedHeaders(keys, body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    json: text ? JSON.parse(text) : undefined,
  };
}

async function queuedJobs(stack: Stack): Promise<number> {
  const queue = new Queue(DIAGNOSIS_QUEUE, { connection: { url: redisUrl }, prefix: stack.prefix });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

const stacks: Stack[] = [];
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close();
});
async function stack(options?: Parameters<typeof startStack>[0]) {
  const s = await startStack(options);
  stacks.push(s);
  return s;
}

function threadMessages(api: FakeDiscordApi, threadId: string): FakeMessage[] {
  return api.messagesIn(threadId);
}

describe('POST /discord/interactions', () => {
  it('answers PING with PONG', async () => {
    const s = await stack({ workers: false });
    const response = await send(s.url, { type: 1 });
    expect(response).toMatchObject({ status: 200, json: { type: 1 } });
    expect(response.type).toContain('application/json');
  });

  it('refuses unsigned, forged and replayed requests with 401 and queues nothing', async () => {
    const s = await stack({ workers: false });
    const command = JSON.stringify(commandInteraction('shop.example.com'));
    const stale = signedHeaders(keys, command, String(Math.floor(Date.now() / 1000) - 3600));
    const forged = signedHeaders(makeKeys(), command);
    const tampered = signedHeaders(keys, command.replace('shop', 'shoq'));
    for (const headers of [{ 'content-type': 'application/json' }, stale, forged, tampered]) {
      expect((await send(s.url, command, headers)).status).toBe(401);
    }
    expect(await queuedJobs(s)).toBe(0);
  });

  it('answers malformed interactions with 400 and a reason', async () => {
    const s = await stack({ workers: false });
    const notJson = await send(s.url, '{"type":2,');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatch(/not JSON/);
    expect((await send(s.url, { type: 4 })).json.error).toMatch(/unsupported interaction type/);
    expect((await send(s.url, commandInteraction('a.example.com', { token: undefined }))).json.error).toMatch(
      /token/,
    );
    expect((await send(s.url, { ...commandInteraction('a.example.com'), data: 'x' })).status).toBe(400);
    expect(await queuedJobs(s)).toBe(0);
  });

  it('answers help and invalid sites with an ephemeral message', async () => {
    const s = await stack({ workers: false });
    const help = await send(s.url, commandInteraction('help'));
    expect(help.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(help.json.data.content).toContain('/check502 diagnose site:');
    const bad = await send(s.url, commandInteraction(';rm -rf /'));
    expect(bad.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(bad.json.data.content).toMatch(/can't check that/);
    expect(await queuedJobs(s)).toBe(0);
  });

  it('defers, then threads the findings, the summary with Re-run, and edits the root', async () => {
    const s = await stack();
    const interaction = commandInteraction('https://shop.example.com/cart');
    s.api.addInteraction(interaction.token, CHANNEL_ID);
    const answer = await send(s.url, interaction);
    expect(answer.json).toEqual({ type: 5 });

    await s.api.waitFor(
      () => [...s.api.messages.values()].some((m) => m.content.includes(': failing')),
      10_000,
    );
    const root = [...s.api.messages.values()].find((m) => m.channel_id === CHANNEL_ID);
    expect(root?.content).toContain('**shop.example.com**: failing');
    expect(root?.content).toContain('`origin.connection_refused`');
    const threadId = root?.id ?? '';
    const posted = threadMessages(s.api, threadId);
    // Only the checks that found a problem get a message (in the order they ended); Public DNS passed
    // and is one line in the summary.
    expect(posted.map((m) => m.content.split(' · ')[0])).toEqual([
      '❌ **Cloudflare edge** found a problem',
      '❌ **Origin (direct)** found a problem',
      '',
    ]);
    const summary = posted[2];
    expect(JSON.stringify(summary?.embeds)).toMatch(/Public DNS\*\* — resolves to Cloudflare/);
    expect(JSON.stringify(summary?.embeds)).toContain(
      'Primary cause:** The origin refuses connections on port 443',
    );
    expect(JSON.stringify(summary?.embeds)).toContain('https://shop.example.com/cart');
    // Order: deferred original edited, thread started from it, then the posts.
    const routes = s.api.calls.map((c) => `${c.method} ${c.route.replace(/\d{6,}/g, 'N')}`);
    expect(routes.slice(0, 3)).toEqual([
      'PATCH /webhooks/N/:token/messages/@original',
      'POST /channels/N/messages/N/threads',
      'POST /channels/N/messages',
    ]);
  });

  it('re-runs in the same thread when the button is clicked', async () => {
    const s = await stack();
    const interaction = commandInteraction('shop.example.com');
    s.api.addInteraction(interaction.token, CHANNEL_ID);
    await send(s.url, interaction);
    await s.api.waitFor(
      () => [...s.api.messages.values()].some((m) => m.content.includes(': failing')),
      10_000,
    );
    const root = [...s.api.messages.values()].find((m) => m.channel_id === CHANNEL_ID);
    const threadId = root?.id ?? '';
    const summary = threadMessages(s.api, threadId).at(-1);
    const customId =
      ((summary?.components ?? []) as { components: { custom_id: string }[] }[])[0]?.components[0]
        ?.custom_id ?? '';
    expect(customId).toBe('check502:rerun:2:shop.example.com');

    const click = await send(
      s.url,
      rerunInteraction(customId, threadId, summary?.id ?? '', 'https://shop.example.com/'),
    );
    expect(click.json).toEqual({ type: 6 });
    await s.api.waitFor(() => threadMessages(s.api, threadId).length >= 7, 10_000);
    const posted = threadMessages(s.api, threadId);
    expect(posted[3]?.content).toMatch(/Re-running the diagnosis of shop\.example\.com \(run 2\)/);
    expect(JSON.stringify(posted.at(-1)?.components)).toContain('check502:rerun:3:shop.example.com');
    expect(s.api.callsTo(/\/threads$/)).toHaveLength(1); // no second thread
    await s.api.waitFor(() => (s.api.messages.get(threadId)?.content ?? '').includes('run 2'), 10_000);
  });

  it('points a second request for a running site to its thread', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const s = await stack({ gate: () => gate });
    const first = commandInteraction('shop.example.com');
    s.api.addInteraction(first.token, CHANNEL_ID);
    await send(s.url, first);
    await s.api.waitFor(() => s.api.callsTo(/\/threads$/).length === 1, 10_000);
    const threadId = s.api.callsTo(/\/threads$/)[0]?.path.split('/')[4] ?? '';
    // The worker records the thread on the run right after starting it; joined requests have no
    // side effect, so asking again until the pointer names the thread is safe.
    let second = await send(s.url, commandInteraction('https://shop.example.com/other'));
    for (let i = 0; i < 40 && !String(second.json?.data?.content).includes(threadId); i++) {
      await new Promise((r) => setTimeout(r, 50));
      second = await send(s.url, commandInteraction('https://shop.example.com/other'));
    }
    release();
    expect(second.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(second.json.data.content).toContain('already running');
    expect(second.json.data.content).toContain(threadId);
  });

  describe('with Redis down', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      await redis.stop(true);
    });

    it('tells the user at once that it cannot queue right now', async () => {
      const s = await stack({ redis: redis.url, workers: false });
      await redis.stop(true);
      const answer = await send(s.url, commandInteraction('shop.example.com'));
      expect(answer.json).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(answer.json.data.content).toMatch(
        /can't queue a diagnosis of \*\*shop\.example\.com\*\* right now/,
      );
      await redis.start();
    });
  });
});
