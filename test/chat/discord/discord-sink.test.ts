import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/chat/discord/api/rest-client.js';
import { createDiscordSink, INTERACTION_TOKEN_LIFETIME_MS } from '../../../src/chat/discord/discord-sink.js';
import { createLogger } from '../../../src/log/logger.js';
import { startFakeDiscordApi } from '../../fakes/discord-api/server.js';
import { DISCORD_ERRORS, type FakeDiscordApi } from '../../fakes/discord-api/shapes.js';
import { refusedReport } from './fixtures.js';
import { APP_ID, CHANNEL_ID } from './signing.js';

describe('DiscordSink against a fake Discord API', () => {
  let api: FakeDiscordApi;
  let logLines: string[];
  beforeEach(async () => {
    api = await startFakeDiscordApi();
    logLines = [];
  });
  afterEach(async () => {
    await api.close();
  });

  function sink(now = Date.now) {
    const rest = createDiscordRest({
      botToken: 'bot-secret-token',
      apiUrl: api.apiUrl,
      timeoutMs: 2000,
      retries: 1,
    });
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => logLines.push(line) },
      secrets: ['bot-secret-token'],
    });
    return createDiscordSink({ rest, logger, now });
  }

  it('edits the deferred response, threads the findings and the summary, and edits the root', async () => {
    api.addInteraction('itok-1', CHANNEL_ID);
    const discord = sink();
    const context = { site: 'shop.example.com', requestedBy: '123456789012' };
    const thread = await discord.startThread(
      {
        platform: 'discord',
        channel: CHANNEL_ID,
        interaction: { applicationId: APP_ID, token: 'itok-1', createdAt: Date.now() },
      },
      context,
    );
    expect(thread.channel).toBe(CHANNEL_ID);
    expect(thread.thread).toBe(thread.root); // a thread started from a message takes its id
    const report = refusedReport();
    await discord.postCheck(thread, report.checks[1]!, report.findings.slice(1, 2));
    await discord.postSummary(thread, report, context);
    await discord.updateRoot(thread, report, context);

    const original = api.callsTo(/^\/webhooks\/\d+\/:token\/messages\/@original$/, 'PATCH');
    expect(original).toHaveLength(2); // "Checking…", then the verdict
    expect(original.every((c) => c.auth === undefined)).toBe(true); // the interaction token is the credential
    expect((original[0]?.body as { content?: string } | undefined)?.content).toContain(
      'Checking **shop.example.com**',
    );
    const root = api.messages.get(thread.root);
    expect(root?.content).toContain('**shop.example.com**: failing');
    expect(root?.content).toContain('origin.connection_refused');

    const inThread = api.messagesIn(thread.thread ?? '');
    expect(inThread).toHaveLength(2);
    expect(JSON.stringify(inThread[0]?.embeds)).toContain('origin.connection_refused');
    expect(JSON.stringify(inThread[1]?.components)).toContain('check502:rerun:2:shop.example.com');
    expect(
      api.callsTo(/^\/channels\/\d+\/messages$/, 'POST').every((c) => c.auth === 'Bot bot-secret-token'),
    ).toBe(true);
    // An incident update without a report keeps the verdict and adds the incident's state.
    await discord.updateRoot(thread, undefined, {
      site: 'shop.example.com',
      incident: {
        id: 'inc-7',
        state: 'resolved',
        alerts: 3,
        sources: ['grafana'],
        firstSeen: 'a',
        lastSeen: 'b',
      },
    });
    expect(api.messages.get(thread.root)?.content).toContain('**shop.example.com**: failing');
    expect(JSON.stringify(api.messages.get(thread.root)?.embeds)).toContain('inc-7: resolved');
    expect(discord.threadLink(thread)).toBe(`https://discord.com/channels/${api.guildId}/${thread.thread}`);
  });

  it('starts alert incidents with a bot message, and edits an old root with the bot token', async () => {
    let now = Date.now();
    const discord = sink(() => now);
    const thread = await discord.startThread(
      { platform: 'discord', channel: CHANNEL_ID },
      { site: 'shop.example.com' },
    );
    expect(api.callsTo(/^\/channels\/\d+\/messages$/, 'POST')[0]?.path).toBe(
      `/channels/${CHANNEL_ID}/messages`,
    );

    api.addInteraction('itok-old', CHANNEL_ID);
    const old = await discord.startThread(
      {
        platform: 'discord',
        channel: CHANNEL_ID,
        interaction: { applicationId: APP_ID, token: 'itok-old', createdAt: now },
      },
      { site: 'old.example.com' },
    );
    now += INTERACTION_TOKEN_LIFETIME_MS + 1000; // the 15-minute token is about to expire
    await discord.updateRoot(old, refusedReport('old.example.com'), { site: 'old.example.com' });
    const edits = api.callsTo(/^\/channels\/\d+\/messages\/\d+$/, 'PATCH');
    expect(edits.map((c) => c.path)).toEqual([`/channels/${CHANNEL_ID}/messages/${old.root}`]);
    expect(api.messages.get(old.root)?.content).toContain('old.example.com**: failing');
    expect(thread.thread).toBeDefined();
  });

  it('survives a deleted thread: logs it, stops posting there, and says so on the root', async () => {
    api.addInteraction('itok-2', CHANNEL_ID);
    const discord = sink();
    const thread = await discord.startThread(
      {
        platform: 'discord',
        channel: CHANNEL_ID,
        interaction: { applicationId: APP_ID, token: 'itok-2', createdAt: Date.now() },
      },
      { site: 'shop.example.com' },
    );
    api.failWith(new RegExp(`^/channels/${thread.thread}/`), DISCORD_ERRORS.unknownChannel);
    const report = refusedReport();
    await discord.postCheck(thread, report.checks[0]!, report.findings.slice(0, 1));
    await discord.postCheck(thread, report.checks[1]!, report.findings.slice(1, 2));
    await discord.postSummary(thread, report);
    await discord.updateRoot(thread, report, { site: 'shop.example.com' });

    expect(api.callsTo(new RegExp(`^/channels/${thread.thread}/messages$`))).toHaveLength(1); // no retry storm
    expect(logLines.join('\n')).toMatch(/gone or locked \(10003\)/);
    expect(logLines.join('\n')).not.toContain('bot-secret-token');
    expect(api.messages.get(thread.root)?.content).toContain('thread was deleted');
  });

  it('explains which permissions to grant when it cannot start a thread', async () => {
    api.addInteraction('itok-3', CHANNEL_ID);
    api.failWith(/\/threads$/, DISCORD_ERRORS.missingPermissions);
    const discord = sink();
    const thread = await discord.startThread(
      {
        platform: 'discord',
        channel: CHANNEL_ID,
        interaction: { applicationId: APP_ID, token: 'itok-3', createdAt: Date.now() },
      },
      { site: 'shop.example.com' },
    );
    expect(thread.thread).toBeUndefined();
    const report = refusedReport();
    await discord.postCheck(thread, report.checks[0]!, report.findings);
    await discord.updateRoot(thread, report, { site: 'shop.example.com' });
    const root = api.messages.get(thread.root)?.content ?? '';
    expect(root).toContain('Create Public Threads');
    expect(root).toContain('Send Messages in Threads');
    expect(root).toContain('**shop.example.com**: failing'); // the verdict still reaches people
  });

  it('fails an alert post it can never deliver without retries', async () => {
    api.failWith(/^\/channels\/\d+\/messages$/, DISCORD_ERRORS.missingAccess);
    const discord = sink();
    await expect(
      discord.startThread({ platform: 'discord', channel: CHANNEL_ID }, { site: 'shop.example.com' }),
    ).rejects.toMatchObject({ name: 'DeliveryError', kind: 'unreachable', retryable: false });
  });

  it('reports a Discord outage as retryable without leaking the interaction token', async () => {
    api.addInteraction('itok-secret-5', CHANNEL_ID);
    api.failWith(/@original$/, { status: 500, code: 0, message: 'Internal Server Error' });
    const discord = sink();
    const failure = await discord
      .startThread(
        {
          platform: 'discord',
          channel: CHANNEL_ID,
          interaction: { applicationId: APP_ID, token: 'itok-secret-5', createdAt: Date.now() },
        },
        { site: 'shop.example.com' },
      )
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'DeliveryError', kind: 'transient', retryable: true });
    expect(JSON.stringify(failure) + String(failure) + String((failure as Error).stack)).not.toContain(
      'itok-secret-5',
    );
    expect(api.callsTo(/@original$/).length).toBe(2); // one retry of the 5xx, then up to the job's retries
  });

  it('waits out a 429 and delivers the message instead of dropping it', async () => {
    api.addInteraction('itok-4', CHANNEL_ID);
    const discord = sink();
    const thread = await discord.startThread(
      {
        platform: 'discord',
        channel: CHANNEL_ID,
        interaction: { applicationId: APP_ID, token: 'itok-4', createdAt: Date.now() },
      },
      { site: 'shop.example.com' },
    );
    api.rateLimitNext(/^\/channels\/\d+\/messages$/, 1, 1);
    const report = refusedReport();
    await discord.postCheck(thread, report.checks[1]!, report.findings.slice(1, 2));
    const posts = api.callsTo(new RegExp(`^/channels/${thread.thread}/messages$`), 'POST');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900); // honoured Retry-After
    expect(api.messagesIn(thread.thread ?? '')).toHaveLength(1);
  });

  it('retries the @original edit when the worker beats the deferred answer to Discord', async () => {
    const discord = sink();
    const pending = discord.startThread(
      {
        platform: 'discord',
        channel: CHANNEL_ID,
        interaction: { applicationId: APP_ID, token: 'itok-late', createdAt: Date.now() },
      },
      { site: 'shop.example.com' },
    );
    await api.waitFor(() => api.callsTo(/@original/).length >= 1);
    api.addInteraction('itok-late', CHANNEL_ID);
    const thread = await pending;
    expect(api.messages.get(thread.root)?.content).toContain('Checking');
  });
});
