// Drill: the chat APIs answer 429 (with Retry-After) and 5xx for a while. Posts must be delayed,
// not lost and not doubled: every thread ends complete, each message once.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createDiscordRest } from '../../src/chat/discord/api/rest-client.js';
import { createDiscordSink } from '../../src/chat/discord/discord-sink.js';
import { createDiagnosisProducer } from '../../src/jobs/diagnosis-producer.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import type { FakeDiscordApi } from '../fakes/discord-api/shapes.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger, testConfig, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';

const redisUrl = inject('redisUrl');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function start(
  script: { delayMs?: number } = {},
): Promise<{ serve: ServeHandle; slackApi: FakeSlackApi; discordApi: FakeDiscordApi; prefix: string }> {
  const slackApi = await startFakeSlackApi();
  const discordApi = await startFakeDiscordApi();
  const prefix = `fc${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const discord = createDiscordSink({
    rest: createDiscordRest({ botToken: 'discord-bot-token', apiUrl: discordApi.apiUrl, retries: 1 }),
    logger,
  });
  const serve = await startServe({
    config: testConfig(redisUrl, slackApi.apiUrl, prefix),
    worker: true,
    logger,
    diagnoser: scriptedDiagnoser(script),
    sinks: { slack: fastSink(slackApi.apiUrl), discord },
  });
  cleanups.push(
    () => slackApi.close(),
    () => discordApi.close(),
    () => removePrefix(redisUrl, prefix),
    () => serve.close(),
  );
  return { serve, slackApi, discordApi, prefix };
}

describe('chat APIs failing for a while', () => {
  it('Slack: 429s and 5xx delay the thread; nothing is lost or posted twice', async () => {
    const { serve, slackApi } = await start();
    slackApi.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 2);
    slackApi.failNext('chat.postMessage', { status: 503 }, 3);
    slackApi.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 1);
    slackApi.failNext('chat.update', { status: 502 }, 2);
    const started = Date.now();
    const ack = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('o1') }),
    );
    expect(ack.status).toBe(200);

    await slackApi.waitFor(() => threadOf(slackApi).updates.length >= 1, 45_000);
    await new Promise((r) => setTimeout(r, 500));
    const thread = threadOf(slackApi);
    const failed = slackApi.calls.filter((c) => c.result?.['ok'] !== true).length;
    console.info(
      `[figure] Slack outage drill: ${failed} failed calls absorbed, thread complete after ${Date.now() - started} ms`,
    );
    expect(failed).toBeGreaterThanOrEqual(8);
    expect(thread.roots).toHaveLength(1);
    // The two checks with a problem + the summary (a passing check is a line in the summary).
    expect(thread.replies).toHaveLength(3);
    const texts = thread.replies.map((r) => JSON.stringify(r.args['blocks'] ?? r.args['text']));
    expect(new Set(texts).size).toBe(3);
    for (const reply of thread.replies) expect(reply.args['thread_ts']).toBe(thread.rootTs);
  }, 60_000);

  it('Discord: 429s and a 5xx outage delay the thread; nothing is lost or posted twice', async () => {
    const { discordApi, prefix } = await start({ delayMs: 200 });
    const producer = createDiagnosisProducer({ redisUrl, prefix });
    cleanups.push(() => producer.close());
    expect(await producer.ready(5000)).toBe(true);

    const channel = '700000000000000001';
    discordApi.rateLimitNext(/^\/channels\/\d+\/messages$/, 1, 2);
    const started = Date.now();
    await producer.request({
      site: 'shop.example.com',
      input: 'shop.example.com',
      reply: { platform: 'discord', channel },
    });
    // Once the thread exists, every message post and edit answers 503 until the bot has hit the
    // outage several times (its client's own retries, then the job's).
    await discordApi.waitFor(() => discordApi.callsTo(/threads$/).some((c) => c.status === 201), 20_000);
    discordApi.failWith(/^\/channels\/\d+\/messages(\/\d+)?$/, {
      status: 503,
      code: 0,
      message: 'Service Unavailable',
    });
    await discordApi.waitFor(() => discordApi.calls.filter((c) => c.status === 503).length >= 3, 20_000);
    discordApi.clearErrors();

    await discordApi.waitFor(() => (discordApi.messagesIn(channel)[0]?.edits ?? 0) >= 1, 45_000);
    await new Promise((r) => setTimeout(r, 500));
    const inThread = [...discordApi.messages.values()].filter((m) => m.channel_id !== channel);
    const failed = discordApi.calls.filter((c) => c.status === 429 || c.status >= 500).length;
    console.info(
      `[figure] Discord outage drill: ${failed} failed calls absorbed, thread complete after ${Date.now() - started} ms`,
    );
    expect(failed).toBeGreaterThanOrEqual(5);
    expect(discordApi.messagesIn(channel)).toHaveLength(1);
    // The two checks with a problem + the summary, each once.
    expect(inThread).toHaveLength(3);
    expect(new Set(inThread.map((m) => JSON.stringify([m.content, m.embeds]))).size).toBe(3);
  }, 60_000);

  // startThread reports the root (onRoot) before it starts the thread; the job's ledger keeps it,
  // so the retried job starts the thread from that root instead of posting a second one.
  it('Discord: a 5xx while starting the thread does not post a second root', async () => {
    const { discordApi, prefix } = await start();
    const producer = createDiagnosisProducer({ redisUrl, prefix });
    cleanups.push(() => producer.close());
    expect(await producer.ready(5000)).toBe(true);
    const channel = '700000000000000002';
    discordApi.failWith(/threads$/, { status: 503, code: 0, message: 'Service Unavailable' });
    await producer.request({
      site: 'shop.example.com',
      input: 'shop.example.com',
      reply: { platform: 'discord', channel },
    });
    await discordApi.waitFor(() => discordApi.callsTo(/threads$/).length >= 2, 20_000);
    discordApi.clearErrors();
    await discordApi.waitFor(() => discordApi.messagesIn(channel).some((m) => m.edits >= 1), 45_000);
    expect(discordApi.messagesIn(channel)).toHaveLength(1);
    // The findings still went to the thread started from that one root.
    const root = discordApi.messagesIn(channel)[0]!;
    expect(discordApi.messagesIn(root.id).length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
