// A root posted with a key (RunContext.rootKey) is recognised when an attempt repeats it, on both
// platforms, against fakes that answer as the services do: Discord returns the message a nonce
// already made when enforce_nonce is set; Slack keeps the message metadata and reads it back from
// conversations.history with include_all_metadata.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../src/chat/discord/api/rest-client.js';
import { createDiscordSink } from '../../src/chat/discord/discord-sink.js';
import type { RunContext } from '../../src/chat/sink.js';
import { SlackSink } from '../../src/chat/slack/slack-sink.js';
import { rootKeyOf } from '../../src/incidents/root-poster.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import type { FakeDiscordApi } from '../fakes/discord-api/shapes.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';

const logger = pino({ level: 'silent' });
const key = rootKeyOf('shop.example.com#1', 'slack');
const context = (extra: Partial<RunContext> = {}): RunContext => ({
  site: 'shop.example.com',
  requestedBy: 'alert (generic)',
  rootKey: key,
  ...extra,
});

describe('root keys', () => {
  let slackApi: FakeSlackApi | undefined;
  let discordApi: FakeDiscordApi | undefined;
  afterEach(async () => {
    await slackApi?.close();
    await discordApi?.close();
    slackApi = undefined;
    discordApi = undefined;
  });

  it('fits Discord’s nonce: at most 25 characters, the same on every attempt, per incident and platform', () => {
    expect(key.length).toBeLessThanOrEqual(25);
    expect(rootKeyOf('shop.example.com#1', 'slack')).toBe(key);
    expect(rootKeyOf('shop.example.com#1', 'discord')).not.toBe(key);
    expect(rootKeyOf('shop.example.com#2', 'slack')).not.toBe(key);
  });

  it('Slack: the root carries the key as metadata; a look-back finds it instead of posting again', async () => {
    slackApi = await startFakeSlackApi();
    const sink = new SlackSink({ botToken: 'xoxb-t', apiUrl: slackApi.apiUrl, logger, baseBackoffMs: 5 });
    const since = Date.now();
    const first = await sink.startThread({ platform: 'slack', channel: 'C1' }, context());
    expect(slackApi.callsOf('chat.postMessage')[0]?.args['metadata']).toEqual({
      event_type: 'check502_root',
      event_payload: { key },
    });
    // Another message in between, and a root of another incident: neither is taken for this one.
    await sink.startThread({ platform: 'slack', channel: 'C1' }, context({ rootKey: 'other-key' }));
    const seen: unknown[] = [];
    const again = await sink.startThread(
      { platform: 'slack', channel: 'C1' },
      context({ lookBackSince: since, onRoot: async (root) => void seen.push(root) }),
    );
    expect(again).toEqual(first);
    expect(seen).toEqual([first]);
    expect(slackApi.callsOf('chat.postMessage')).toHaveLength(2);
    expect(slackApi.callsOf('conversations.history')[0]?.args['include_all_metadata']).toBe('true');
  });

  it('Slack: nothing found since the claim, or no history scope: it posts (once rather than never)', async () => {
    slackApi = await startFakeSlackApi();
    const sink = new SlackSink({ botToken: 'xoxb-t', apiUrl: slackApi.apiUrl, logger, baseBackoffMs: 5 });
    await sink.startThread({ platform: 'slack', channel: 'C1' }, context({ lookBackSince: Date.now() }));
    expect(slackApi.callsOf('chat.postMessage')).toHaveLength(1);
    slackApi.denyHistory();
    await sink.startThread({ platform: 'slack', channel: 'C2' }, context({ lookBackSince: Date.now() }));
    expect(slackApi.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('Discord: a repeated root with the same nonce is the same message and thread', async () => {
    discordApi = await startFakeDiscordApi();
    const rest = createDiscordRest({
      botToken: 'bot-t',
      apiUrl: discordApi.apiUrl,
      timeoutMs: 2000,
      retries: 0,
    });
    const sink = createDiscordSink({ rest, logger });
    const channel = '1200000000000000001';
    const first = await sink.startThread({ platform: 'discord', channel }, context());
    const again = await sink.startThread(
      { platform: 'discord', channel },
      context({ lookBackSince: Date.now() }),
    );
    expect(again).toEqual(first);
    expect(discordApi.messagesIn(channel)).toHaveLength(1);
    const posts = discordApi.callsTo(/^\/channels\/\d+\/messages$/, 'POST');
    expect(posts.map((c) => (c.body as { nonce?: string; enforce_nonce?: boolean }).nonce)).toEqual([
      key,
      key,
    ]);
    expect(posts[0]?.body).toMatchObject({ enforce_nonce: true });
  });
});
