// Origin addresses in chat: hidden in shared channels (a public Slack channel, a Discord server
// channel), shown in a DM or private channel, shown everywhere with
// CHECK502_SHOW_ORIGIN_ADDRESSES=always. Driven through `serve` as shipped (signed requests to its
// routes, sinks built from configuration, the fakes recording what was posted). The scripted
// origin refuses on 203.0.113.10; public DNS answers with Cloudflare's 104.16.0.1, which is public
// knowledge and stays. The hiding is the presenter's (src/present/origin-addresses.ts): the thread,
// the root, notes and the Details answer all follow the audience; the stored report keeps all.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import { maskOriginAddresses } from '../../src/present/origin-addresses.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import type { FakeDiscordApi } from '../fakes/discord-api/shapes.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { logger, testConfig, threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned, rerunBody } from '../support/slack-requests.js';
import {
  APP_ID,
  CHANNEL_ID,
  commandInteraction,
  makeKeys,
  rerunInteraction,
  signedHeaders,
} from './discord/signing.js';

const redisUrl = inject('redisUrl');
const keys = makeKeys();
const ORIGIN = '203.0.113.10';
const MASKED = '203.0.113.x';

let stack: { serve: ServeHandle; slack: FakeSlackApi; discord: FakeDiscordApi; prefix: string } | undefined;
afterEach(async () => {
  await stack?.serve.close();
  await Promise.all([stack?.slack.close(), stack?.discord.close()]);
  if (stack) await removePrefix(redisUrl, stack.prefix);
  stack = undefined;
});

async function start(show?: 'always') {
  const [slack, discord] = await Promise.all([startFakeSlackApi(), startFakeDiscordApi()]);
  const prefix = `oa${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const config: ServerConfig = {
    ...testConfig(redisUrl, slack.apiUrl, prefix),
    ...(show ? { showOriginAddresses: show } : {}),
    discord: {
      applicationId: APP_ID,
      publicKey: keys.publicKeyHex,
      botToken: 'discord-bot',
      apiUrl: discord.apiUrl,
    },
  };
  const serve = await startServe({ config, worker: true, logger, diagnoser: scriptedDiagnoser() });
  stack = { serve, slack, discord, prefix };
  return stack;
}

async function slackThread(s: NonNullable<typeof stack>, channel: string, channelName: string) {
  const ack = await postSigned(
    s.serve.url,
    commandBody({ text: 'shop.example.com', channel, responseUrl: s.slack.responseUrl(channel) }).replace(
      'channel_name=ops',
      `channel_name=${channelName}`,
    ),
  );
  expect(ack.status).toBe(200);
  await s.slack.waitFor(() => threadOf(s.slack).updates.some((u) => u.args['channel'] === channel), 20_000);
  return JSON.stringify(s.slack.calls.filter((c) => c.args['channel'] === channel).map((c) => c.args));
}

/** A signed interaction to serve's Discord route. */
function discordPost(s: NonNullable<typeof stack>, body: string) {
  return fetch(`${s.serve.url}/discord/interactions`, {
    method: 'POST',
    body,
    headers: signedHeaders(keys, body),
    signal: AbortSignal.timeout(5000),
  });
}

describe('origin addresses in chat', () => {
  it('are hidden in a public Slack channel and shown in a DM', async () => {
    const s = await start();
    const shared = await slackThread(s, 'C0OPS', 'ops');
    expect(shared).toContain(MASKED);
    expect(shared).not.toContain(ORIGIN);
    // What is not an origin address stays (the thread no longer lists resolver answers: a passing
    // Public DNS check is one line of words, its addresses are behind Details).
    expect(shared).toContain('Public DNS* — resolves to Cloudflare');
    const dm = await slackThread(s, 'D0ALICE', 'directmessage');
    expect(dm).toContain(ORIGIN);
  }, 60_000);

  it('are hidden in a Discord server channel', async () => {
    const s = await start();
    const interaction = commandInteraction('shop.example.com');
    s.discord.addInteraction(interaction.token, CHANNEL_ID);
    expect((await discordPost(s, JSON.stringify(interaction))).status).toBe(200);
    await s.discord.waitFor(
      () => s.discord.messagesIn(CHANNEL_ID).some((m) => m.content.includes(': failing')),
      20_000,
    );
    const posted = JSON.stringify(s.discord.calls.map((c) => c.body));
    expect(posted).toContain(MASKED);
    expect(posted).not.toContain(ORIGIN);
  }, 60_000);

  /** Presses the Details button of the summary posted in `channel` (a signed block_actions payload). */
  async function slackDetails(s: NonNullable<typeof stack>, channel: string, channelName: string) {
    const summary = s.slack
      .callsOf('chat.postMessage')
      .find(
        (c) =>
          c.args['channel'] === channel &&
          JSON.stringify(c.args['blocks'] ?? []).includes('check502_details'),
      );
    const button = JSON.stringify(summary?.args['blocks']).match(
      /"action_id":"check502_details","value":"([^"]+)"/,
    );
    expect(button?.[1]).toBeDefined();
    const form = new URLSearchParams(
      rerunBody({
        site: 'shop.example.com',
        run: 1,
        channel,
        root: String(summary?.args['thread_ts']),
        summaryTs: String(summary?.result?.['ts']),
        responseUrl: s.slack.responseUrl(`details-${channel}`),
      }),
    );
    const payload = JSON.parse(form.get('payload') ?? '{}') as Record<string, unknown> & {
      actions: Record<string, unknown>[];
      channel: Record<string, unknown>;
    };
    payload.actions[0] = { ...payload.actions[0], action_id: 'check502_details', value: button?.[1] };
    payload.channel = { id: channel, name: channelName };
    // The report is stored when the job completes, a moment after the summary is posted.
    for (let attempt = 0; ; attempt++) {
      const id = `details-${channel}-${attempt}`;
      payload['response_url'] = s.slack.responseUrl(id);
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      expect((await postSigned(s.serve.url, body)).status).toBe(200);
      await s.slack.waitFor(() => s.slack.responses.some((r) => r.id === id), 10_000);
      const answer = JSON.stringify(s.slack.responses.filter((r) => r.id === id).map((r) => r.body));
      if (!answer.includes('no longer kept') || attempt > 20) return answer;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('are hidden from the Details answer pressed in a public Slack channel, shown in a DM; the report keeps them', async () => {
    const s = await start();
    await slackThread(s, 'C0OPS', 'ops');
    const shared = await slackDetails(s, 'C0OPS', 'ops');
    expect(shared).toContain('Details of');
    expect(shared).toContain(MASKED);
    expect(shared).not.toContain(ORIGIN);
    await slackThread(s, 'D0ALICE', 'directmessage');
    expect(await slackDetails(s, 'D0ALICE', 'directmessage')).toContain(ORIGIN);
  }, 90_000);

  it('are hidden from the Details answer pressed in a Discord server channel', async () => {
    const s = await start();
    const interaction = commandInteraction('shop.example.com');
    s.discord.addInteraction(interaction.token, CHANNEL_ID);
    const send = (payload: string) => discordPost(s, payload);
    expect((await send(JSON.stringify(interaction))).status).toBe(200);
    const detailsId = () =>
      JSON.stringify(s.discord.calls.map((c) => c.body)).match(/check502:details:[A-Za-z0-9_-]+/)?.[0];
    await s.discord.waitFor(() => detailsId() !== undefined, 20_000);
    const press = JSON.stringify(
      rerunInteraction(detailsId()!, '1100000000000000005', '1100000000000000006'),
    );
    let text = '';
    for (let attempt = 0; attempt < 20; attempt++) {
      const answer = await send(press);
      expect(answer.status).toBe(200);
      text = await answer.text();
      if (!text.includes('no longer kept')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(text).toContain('Details of');
    expect(text).toContain(MASKED);
    expect(text).not.toContain(ORIGIN);
  }, 60_000);

  it('are shown everywhere with CHECK502_SHOW_ORIGIN_ADDRESSES=always', async () => {
    const s = await start('always');
    expect(await slackThread(s, 'C0OPS', 'ops')).toContain(ORIGIN);
  }, 60_000);
});

describe('maskOriginAddresses', () => {
  it('masks IPv4 and IPv6 origins to their network, keeps Cloudflare, times and ids', () => {
    expect(maskOriginAddresses('connect to 203.0.113.10:443 refused')).toBe(
      'connect to 203.0.113.x:443 refused',
    );
    expect(maskOriginAddresses('origin 2001:db8:1:2::10 and edge 2606:4700::6810:1')).toBe(
      'origin 2001:db8:1::x and edge 2606:4700::6810:1',
    );
    const untouched = 'edge 104.16.0.1 at 04:52:38.748, ray 8f00000000000001-AMS, ts 1700000000.000001';
    expect(maskOriginAddresses(untouched)).toBe(untouched);
  });
});
