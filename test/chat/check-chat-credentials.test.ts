// The start-up token check, against the Slack and Discord fakes: who the bot posts as, a refused
// token named by its variable, a platform that is down or silent, and a worker whose start line
// comes after the check.

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { checkChatCredentials } from '../../src/chat/check-chat-credentials.js';
import { createDiscordRest } from '../../src/chat/discord/api/rest-client.js';
import { createDiscordSink } from '../../src/chat/discord/discord-sink.js';
import { createLogger } from '../../src/log/logger.js';
import { startWorker } from '../../src/roles/worker.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import { BOT_USER_ID } from '../fakes/discord-api/shapes.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, testConfig } from '../support/slack-harness.js';

const redisUrl = inject('redisUrl');
const DISCORD_TOKEN = 'discord-bot-token-secret';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    secrets: ['xoxb-test-token', DISCORD_TOKEN],
  });
  return { logger, lines, raw: () => JSON.stringify(lines) };
}

async function fakes() {
  const slackApi = await startFakeSlackApi();
  const discordApi = await startFakeDiscordApi();
  cleanups.push(
    () => slackApi.close(),
    () => discordApi.close(),
  );
  const discord = createDiscordSink({
    rest: createDiscordRest({
      botToken: DISCORD_TOKEN,
      apiUrl: discordApi.apiUrl,
      retries: 0,
      timeoutMs: 2000,
    }),
  });
  return { slackApi, discordApi, sinks: { slack: fastSink(slackApi.apiUrl), discord } };
}

/** Accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/api/`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('chat token check at start', () => {
  it('logs who the bot posts as on each platform, asking each once with its token', async () => {
    const { slackApi, discordApi, sinks } = await fakes();
    const log = capture();
    await checkChatCredentials(sinks, log.logger);

    const auth = slackApi.callsOf('auth.test');
    expect(auth).toHaveLength(1);
    expect(auth[0]?.token).toBe('xoxb-test-token');
    const me = discordApi.callsTo(/^\/users\/@me$/, 'GET');
    expect(me).toHaveLength(1);
    expect(me[0]?.auth).toBe(`Bot ${DISCORD_TOKEN}`);
    const slack = log.lines.find((l) => l['platform'] === 'slack');
    expect(slack).toMatchObject({ level: 'info', bot: 'check502', workspace: 'T0TEAM' });
    expect(slack?.['msg']).toBe('Slack: posting as check502');
    const discord = log.lines.find((l) => l['platform'] === 'discord');
    expect(discord).toMatchObject({ level: 'info', bot: 'check502', botId: BOT_USER_ID });
    // Nothing was posted anywhere.
    expect(slackApi.callsOf('chat.postMessage')).toHaveLength(0);
    expect(discordApi.calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
  });

  it('names the refused variable at error level, without printing the token', async () => {
    const { slackApi, discordApi, sinks } = await fakes();
    slackApi.failNext('auth.test', { error: 'invalid_auth' });
    discordApi.failWith(/^\/users\/@me$/, { status: 401, code: 0, message: '401: Unauthorized' });
    const log = capture();
    await checkChatCredentials(sinks, log.logger);

    const slack = log.lines.find((l) => l['platform'] === 'slack');
    expect(slack).toMatchObject({ level: 'error', reason: 'invalid_auth' });
    expect(String(slack?.['msg'])).toMatch(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    const discord = log.lines.find((l) => l['platform'] === 'discord');
    expect(discord).toMatchObject({ level: 'error' });
    expect(String(discord?.['msg'])).toMatch(/Discord refused DISCORD_BOT_TOKEN .*401/);
    expect(log.raw()).not.toContain('xoxb-test-token');
    expect(log.raw()).not.toContain(DISCORD_TOKEN);
  });

  it('only warns when the platform fails or stays silent, and returns by its deadline', async () => {
    const { slackApi, sinks } = await fakes();
    slackApi.failNext('auth.test', { status: 503 });
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const log = capture();
    await checkChatCredentials(sinks, log.logger);
    const failed = log.lines.find((l) => l['platform'] === 'slack');
    expect(failed).toMatchObject({ level: 'warn', reason: 'http_503' });
    expect(String(failed?.['msg'])).toMatch(/could not check SLACK_BOT_TOKEN/);

    const quiet = capture();
    const began = Date.now();
    await checkChatCredentials({ slack: fastSink(silent.url) }, quiet.logger, 300);
    expect(Date.now() - began).toBeLessThan(5000); // the sink's own timeout is 10 s
    expect(quiet.lines).toEqual([
      expect.objectContaining({ level: 'warn', platform: 'slack', deadlineMs: 300 }),
    ]);
  });

  it('a worker logs its start only after the check, and starts even when the token is refused', async () => {
    const { slackApi } = await fakes();
    slackApi.failNext('auth.test', { error: 'token_revoked' });
    const prefix = `cc${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    cleanups.push(() => removePrefix(redisUrl, prefix));
    const log = capture();
    const worker = await startWorker({
      config: testConfig(redisUrl, slackApi.apiUrl, prefix),
      logger: log.logger,
      diagnoser: scriptedDiagnoser(),
      sinks: { slack: fastSink(slackApi.apiUrl) },
    });
    cleanups.push(() => worker.close(2000));
    const messages = log.lines.map((l) => String(l['msg']));
    const refused = messages.findIndex((m) => m.startsWith('Slack refused SLACK_BOT_TOKEN (token_revoked)'));
    expect(refused).toBeGreaterThanOrEqual(0);
    expect(messages.indexOf('check502 worker started')).toBeGreaterThan(refused);
    // Its Redis connection may still be opening; it must get there, token refused or not.
    await vi.waitFor(() => expect(worker.workers.isRunning()).toBe(true), { timeout: 5000 });
  });
});
