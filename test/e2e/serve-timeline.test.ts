// The timeline of a closed incident, end to end through the real `check502 serve` with Slack and
// Discord both configured: an Uptime Kuma alert opens the incident in both alert channels, a fix and
// a watch are recorded, the resolve closes it after the bot's own re-check, and then the Timeline
// button on the closed root (Slack and Discord), Discord's `/check502 timeline site:` subcommand and
// the CLI reading Redis all tell the same story. Discord gets the file as its API takes it: multipart
// with `payload_json` and `files[0]` (the fake refuses anything else).
import { afterEach, expect, inject, it } from 'vitest';
import { runTimeline } from '../../src/cli/timeline.js';
import type { ServerConfig } from '../../src/config.js';
import { createFixStore } from '../../src/fixes/fix-store.js';
import { createIncidentHistory } from '../../src/incidents/incident-history.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { APP_ID, GUILD_ID, makeKeys, nextId, postInteraction, USER_ID } from '../chat/discord/signing.js';
import { startFakeDiscordApi } from '../fakes/discord-api/server.js';
import type { FakeDiscordApi } from '../fakes/discord-api/shapes.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { LAB_HOST, startLabDiagnoser } from '../support/lab-diagnoser.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { inspectionClient, redisEnv, uniquePrefix } from '../support/redis-test-target.js';
import { logger, testConfig } from '../support/slack-harness.js';
import { postSigned } from '../support/slack-requests.js';
import { switchableDiagnoser } from './support/switchable-diagnoser.js';

const redis = inject('redisTarget');
const SECRET = 'e2e-webhook-secret-0123456789';
const SLACK_ALERTS = 'C0ALERTS';
const DISCORD_ALERTS = '1100000000000000777';
const keys = makeKeys();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

// Uptime Kuma's webhook body (server/notification-providers/webhook.js: { heartbeat, monitor, msg }).
const kuma = (status: 0 | 1) => ({
  heartbeat: { monitorID: 7, status, msg: status ? 'OK' : '502 - Bad Gateway', time: '2026-03-02 13:00:00' },
  monitor: { id: 7, name: 'Shop', type: 'http', url: `https://${LAB_HOST}/health` },
  msg: `[Shop] [${status ? '✅ Up' : '🔴 Down'}] ${status ? 'OK' : '502 - Bad Gateway'}`,
});

async function start() {
  const [slackApi, discordApi, lab] = await Promise.all([
    startFakeSlackApi(),
    startFakeDiscordApi(),
    startLabDiagnoser(),
  ]);
  const diagnoser = switchableDiagnoser(lab);
  const prefix = uniquePrefix(redis, 'et');
  const config: ServerConfig = {
    ...testConfig(redis, slackApi.apiUrl, prefix),
    webhookSecret: SECRET,
    alertSlackChannel: SLACK_ALERTS,
    alertDiscordChannel: DISCORD_ALERTS,
    discord: {
      applicationId: APP_ID,
      publicKey: keys.publicKeyHex,
      botToken: 'discord-bot-token',
      apiUrl: discordApi.apiUrl,
    },
  };
  const serve = await startServe({
    config,
    worker: true,
    logger,
    diagnoser,
    incidentTimings: { recheckDelayMs: 50, editIntervalMs: 50, noteIntervalMs: 60_000, maxRechecks: 2 },
  });
  const inspect = inspectionClient(redis);
  cleanups.push(
    () => diagnoser.close(),
    () => slackApi.close(),
    () => discordApi.close(),
    () => removePrefix(redis, prefix),
    async () => inspect.disconnect(),
    () => serve.close(),
  );
  return { serve, slackApi, discordApi, diagnoser, prefix, inspect };
}

async function webhook(serve: ServeHandle, body: unknown) {
  const response = await fetch(`${serve.url}/webhooks/uptime-kuma`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return response.status;
}

async function discord(serve: ServeHandle, interaction: unknown) {
  const response = await postInteraction(`${serve.url}/discord/interactions`, keys, interaction);
  return (await response.json()) as { type: number; data?: { content?: string; flags?: number } };
}

const interactionBase = (channel: string) => ({
  id: nextId(),
  application_id: APP_ID,
  token: `itok-${nextId()}`,
  channel_id: channel,
  guild_id: GUILD_ID,
  member: { user: { id: USER_ID, username: 'oncall' }, roles: [] },
});

function slackTimelineClick(channel: string, rootTs: string, value: string, responseUrl: string): string {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0BOB', username: 'bob', team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    team: { id: 'T0TEAM', domain: 'acme' },
    container: { type: 'message', message_ts: rootTs, channel_id: channel, is_ephemeral: false },
    trigger_id: `trigger-${Date.now()}`,
    channel: { id: channel, name: 'alerts' },
    message: { type: 'message', ts: rootTs, text: 'root' },
    response_url: responseUrl,
    actions: [
      {
        type: 'button',
        action_id: 'check502_timeline',
        block_id: 'b1',
        value,
        action_ts: String(Date.now() / 1000),
        text: { type: 'plain_text', text: 'Timeline' },
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function slackTimelineButton(slackApi: FakeSlackApi, rootTs: string): string | undefined {
  const edits = slackApi.callsOf('chat.update').filter((c) => c.args['ts'] === rootTs);
  const blocks = JSON.stringify(edits.at(-1)?.args['blocks'] ?? []);
  return /"action_id":"check502_timeline","value":"([^"]+)"/.exec(blocks)?.[1];
}

function discordTimelineButton(discordApi: FakeDiscordApi): string | undefined {
  const root = discordApi.messagesIn(DISCORD_ALERTS)[0];
  return /"custom_id":"(check502:timeline:[^"]+)"/.exec(JSON.stringify(root?.components ?? []))?.[1];
}

it('a closed incident offers its timeline on both platforms, and every way of asking tells the same story', async () => {
  const { serve, slackApi, discordApi, diagnoser, prefix, inspect } = await start();
  const id = `${LAB_HOST}#1`;
  expect(await webhook(serve, kuma(0))).toBe(202);
  await discordApi.waitFor(() => (discordApi.messagesIn(DISCORD_ALERTS)[0]?.edits ?? 0) > 0, 20_000);
  await slackApi.waitFor(() => slackApi.callsOf('chat.update').length > 0, 20_000);
  const slackRoot = slackApi
    .callsOf('chat.postMessage')
    .find((c) => c.args['channel'] === SLACK_ALERTS && c.args['thread_ts'] === undefined);
  const rootTs = String(slackRoot?.result?.['ts']);
  // Open: no Timeline button yet.
  expect(slackTimelineButton(slackApi, rootTs)).toBeUndefined();
  expect(discordTimelineButton(discordApi)).toBeUndefined();

  // Someone applied a fix and watched the site while the incident was open.
  await createFixStore(inspect, prefix).audit({
    at: new Date().toISOString(),
    fixId: 'fx1',
    site: LAB_HOST,
    action: 'disable-origin',
    who: 'slack:U0BOB (bob)',
    what: 'pool eu: origin 203.0.113.10 disabled',
    before: 'enabled',
    after: 'disabled',
    result: 'applied',
    reason: '',
  });
  const history = createIncidentHistory(inspect, prefix);
  expect(
    await history.appendForSite(LAB_HOST, {
      type: 'watch',
      at: new Date().toISOString(),
      phase: 'started',
      note: 'for 30 min',
      by: 'discord:1100000000000000003 (oncall)',
    }),
  ).toBe(id);
  diagnoser.fixed = true;
  expect(await webhook(serve, kuma(1))).toBe(202);

  // Closed after the re-check: both roots carry a Timeline button naming this incident.
  await slackApi.waitFor(() => slackTimelineButton(slackApi, rootTs) !== undefined, 20_000);
  await discordApi.waitFor(() => discordTimelineButton(discordApi) !== undefined, 20_000);
  expect(slackTimelineButton(slackApi, rootTs)).toBe(id);
  expect(discordTimelineButton(discordApi)).toBe(`check502:timeline:${id}`);

  // The CLI reads the same Redis.
  let cliOut = '';
  const env = redisEnv(redis, prefix);
  const sink = (write: (s: string) => void) => ({
    write: (s: string) => {
      write(s);
      return true;
    },
  });
  expect(
    await runTimeline(
      [LAB_HOST],
      env,
      sink((s) => (cliOut += s)),
      sink(() => {}),
    ),
  ).toBe(0);
  expect(cliOut).toContain(`# Incident ${id}: ${LAB_HOST}`);
  expect(cliOut).toContain('- **State:** resolved');
  expect(cliOut).toMatch(/First alert from \*\*uptime-kuma\*\*: \[Shop\] \[🔴 Down\] 502 - Bad Gateway/);
  expect(cliOut).toMatch(/Diagnosis: \*\*failing\*\*, primary cause `origin.connection_refused`/);
  expect(cliOut).toMatch(/Ray IDs? [0-9a-f]{16}/);
  expect(cliOut.match(/Diagnosis: /g)).toHaveLength(1); // one per platform, told once
  expect(cliOut).toContain(
    'Fix **disable-origin** by slack:U0BOB (bob): applied (pool eu: origin 203.0.113.10 disabled)',
  );
  // A shared channel gets the origin's address hidden (CHECK502_SHOW_ORIGIN_ADDRESSES=private).
  const shared = cliOut.replace('203.0.113.10', '203.0.113.x');
  expect(cliOut).toContain('Watch started by discord:1100000000000000003 (oncall): for 30 min');
  expect(cliOut).toMatch(/Alerts resolved \(uptime-kuma\)/);
  expect(cliOut).toMatch(/Re-check: \*\*healthy\*\* → incident closed/);
  expect(cliOut).toMatch(
    /- \*\*Time to first finding:\*\* \d+ (ms|s|min \d+ s) \(origin.connection_refused\)/,
  );
  expect(cliOut).toMatch(/- \*\*Time to recovery:\*\* \d+ (ms|s|min \d+ s)/);

  // Slack: the button posts the file in the incident's thread.
  const clicked = await postSigned(
    serve.url,
    slackTimelineClick(SLACK_ALERTS, rootTs, id, slackApi.responseUrl('tl')),
  );
  expect(clicked.status).toBe(200);
  await slackApi.waitFor(() => slackApi.uploads.some((u) => u.channel !== undefined), 10_000);
  expect(slackApi.uploads[0]).toMatchObject({ channel: SLACK_ALERTS, threadTs: rootTs });
  expect(slackApi.uploads[0]?.content).toBe(shared);
  await slackApi.waitFor(() => slackApi.responses.some((r) => JSON.stringify(r).includes('timeline')));

  // Discord: the button, then the typed subcommand, each post the file in the incident's thread.
  const threadId = discordApi.messagesIn(DISCORD_ALERTS)[0]!.id;
  const button = await discord(serve, {
    ...interactionBase(threadId),
    type: 3,
    channel: { id: threadId, type: 11, parent_id: DISCORD_ALERTS },
    message: { id: threadId, channel_id: DISCORD_ALERTS, embeds: [] },
    data: { custom_id: `check502:timeline:${id}`, component_type: 2 },
  });
  expect(button).toMatchObject({ type: 4, data: { flags: 64 } });
  expect(button.data?.content).toContain(`timeline of ${id}`);
  const typed = await discord(serve, {
    ...interactionBase('1100000000000000002'),
    type: 2,
    data: {
      id: '1100000000000000009',
      name: 'check502',
      type: 1,
      options: [{ name: 'timeline', type: 1, options: [{ name: 'site', type: 3, value: LAB_HOST }] }],
    },
  });
  expect(typed).toMatchObject({ type: 4, data: { flags: 64 } });
  const files = () => discordApi.messagesIn(threadId).filter((m) => m.attachments.length > 0);
  await discordApi.waitFor(() => files().length === 2, 10_000);
  for (const message of files()) {
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      filename: `timeline-${LAB_HOST}-1.md`,
      content_type: 'text/markdown',
    });
    expect(message.attachments[0]?.text).toBe(shared);
  }

  // The site fails again: a new incident. The closed one's button still posts ITS timeline.
  diagnoser.fixed = false;
  expect(await webhook(serve, kuma(0))).toBe(202);
  await slackApi.waitFor(
    () =>
      slackApi
        .callsOf('chat.postMessage')
        .filter((c) => c.args['channel'] === SLACK_ALERTS && c.args['thread_ts'] === undefined).length === 2,
    20_000,
  );
  await postSigned(serve.url, slackTimelineClick(SLACK_ALERTS, rootTs, id, slackApi.responseUrl('tl3')));
  await slackApi.waitFor(() => slackApi.uploads.filter((u) => u.channel !== undefined).length === 2, 10_000);
  expect(slackApi.uploads[1]?.content).toBe(shared);
}, 90_000);
