// Guarded fixes in Slack, end to end: serve with its workers on real Redis, the fake Slack API, the
// fake Cloudflare API (only the fix token may write). A fix button under the summary; a user not on
// CHECK502_FIX_ALLOWED_USERS is refused (and audited); an allowed one gets the preview in a modal,
// nothing is written until the modal is submitted; a double submission writes once; the result and
// an Undo button are posted in the thread, the site is re-checked; Undo restores the previous value.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createFixStore } from '../../../src/fixes/fix-store.js';
import { FAKE_FIX_TOKEN } from '../../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../../fakes/cloudflare-api/server.js';
import { brokenDiagnoser, strictZone } from '../../fixes/support/broken-by-a-change.js';
import { ZONE_ID } from '../../support/cloudflare-scenarios.js';
import { blocksText, type Harness, startHarness, threadOf } from '../../support/slack-harness.js';
import { commandBody, postSigned } from '../../support/slack-requests.js';

const redisUrl = inject('redisUrl');
let harness: Harness | undefined;
let api: FakeCloudflareApi | undefined;
afterEach(async () => {
  await harness?.close();
  await api?.close();
  harness = undefined;
  api = undefined;
});

function interaction(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function click(user: string, actionId: string, value: string, root: string, responseUrl: string): string {
  return interaction({
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: 'T0TEAM' },
    team: { id: 'T0TEAM' },
    trigger_id: `trigger-${user}-${Date.now()}`,
    channel: { id: 'C0OPS' },
    container: { type: 'message', channel_id: 'C0OPS', message_ts: root, thread_ts: root },
    message: { type: 'message', ts: root, thread_ts: root, text: 'summary' },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1' }],
  });
}

function submit(user: string, offerId: string): string {
  return interaction({
    type: 'view_submission',
    user: { id: user, username: 'alice', team_id: 'T0TEAM' },
    team: { id: 'T0TEAM' },
    trigger_id: `trigger-submit-${Date.now()}`,
    view: {
      id: 'V1',
      type: 'modal',
      callback_id: 'check502_fix_confirm',
      private_metadata: offerId,
      state: { values: {} },
    },
  });
}

const buttonValue = (blocks: string, actionId: string): string | undefined =>
  new RegExp(`"action_id":"${actionId}","value":"([^"]+)"`).exec(blocks)?.[1];

describe('guarded fixes in Slack', () => {
  it('preview in a modal, allow-list, explicit confirmation, once under a double submit, result with Undo, undo restores', async () => {
    api = await startFakeCloudflareApi(strictZone());
    const diagnoser = brokenDiagnoser();
    const cf = api;
    harness = await startHarness(redisUrl, {
      diagnoser,
      configure: (c) => ({
        ...c,
        cloudflareFixToken: FAKE_FIX_TOKEN,
        cloudflareBaseUrl: cf.baseUrl,
        fixAllowedUsers: ['U0ALICE'],
      }),
    });
    const { slackApi, serve } = harness;
    await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('c') }),
    );
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1);
    const thread = threadOf(slackApi);
    const summary = blocksText(thread.replies.at(-1)!);
    const offerId = buttonValue(summary, 'check502_fix');
    expect(offerId, summary).toBeDefined();
    expect(summary).toContain('Roll back SSL/TLS mode');
    const root = thread.rootTs ?? '';

    // Bob is not on the allow-list: refused, audited, no modal, nothing written.
    await postSigned(
      serve.url,
      click('U0BOB', 'check502_fix', offerId ?? '', root, slackApi.responseUrl('bob')),
    );
    await slackApi.waitFor(() => slackApi.responses.some((r) => r.id === 'bob'));
    expect(JSON.stringify(slackApi.responses.find((r) => r.id === 'bob')?.body)).toContain('not allowed');
    expect(slackApi.callsOf('views.open')).toHaveLength(0);

    // Alice: the preview opens in a modal; still nothing written.
    await postSigned(
      serve.url,
      click('U0ALICE', 'check502_fix', offerId ?? '', root, slackApi.responseUrl('alice')),
    );
    await slackApi.waitFor(() => slackApi.callsOf('views.open').length === 1);
    const modal = JSON.stringify(slackApi.callsOf('views.open')[0]?.args['view']);
    expect(modal).toContain('SSL/TLS mode: strict → full');
    expect(modal).toContain('Gives up');
    expect(cf.calls.filter((c) => c.method !== 'GET')).toHaveLength(0);

    // The confirmation, submitted twice: one write, with the fix token.
    const [first, second] = await Promise.all([
      postSigned(serve.url, submit('U0ALICE', offerId ?? '')),
      postSigned(serve.url, submit('U0ALICE', offerId ?? '')),
    ]);
    expect(first.text).toContain('Applying');
    expect(second.status).toBe(200);
    await slackApi.waitFor(() =>
      slackApi.callsOf('chat.postMessage').some((c) => blocksText(c).includes('check502_fix_undo')),
    );
    const result = slackApi
      .callsOf('chat.postMessage')
      .find((c) => blocksText(c).includes('check502_fix_undo'))!;
    expect(result.args['thread_ts']).toBe(root);
    expect(String(result.args['text'])).toContain('Done: SSL/TLS mode: strict → full');
    const writes = () => cf.calls.filter((c) => c.method !== 'GET' && c.path !== '/graphql');
    expect(writes()).toHaveLength(1);
    expect(writes()[0]?.authorization).toBe(`Bearer ${FAKE_FIX_TOKEN}`);
    expect(cf.scenario.settings[ZONE_ID]?.['ssl']).toBe('full');
    // The automatic re-check runs in the same thread.
    await slackApi.waitFor(() => diagnoser.runs >= 2);

    // Undo (Alice): the previous value is back.
    const undoId = buttonValue(blocksText(result), 'check502_fix_undo') ?? '';
    await postSigned(
      serve.url,
      click('U0ALICE', 'check502_fix_undo', undoId, root, slackApi.responseUrl('undo')),
    );
    await slackApi.waitFor(() =>
      slackApi.callsOf('chat.postMessage').some((c) => String(c.args['text']).includes('Undone')),
    );
    expect(cf.scenario.settings[ZONE_ID]?.['ssl']).toBe('strict');
    expect(writes()).toHaveLength(2);

    // The audit trail holds every attempt: the refusal, the fix, the duplicate (if it reached the service), the undo.
    const redis = new Redis(redisUrl);
    try {
      const trail = await createFixStore(redis, harness.prefix).trail();
      const results = trail.map((e) => e.result);
      expect(results[0]).toBe('denied');
      expect(results).toContain('applied');
      expect(results.at(-1)).toBe('undone');
      expect(trail.find((e) => e.result === 'applied')?.who).toBe('slack:U0ALICE (alice)');
    } finally {
      redis.disconnect();
    }
  }, 30_000);

  it('without CLOUDFLARE_FIX_TOKEN no fix button is drawn', async () => {
    harness = await startHarness(redisUrl, { diagnoser: brokenDiagnoser() });
    const { slackApi, serve } = harness;
    await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('c') }),
    );
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1);
    const summary = blocksText(threadOf(slackApi).replies.at(-1)!);
    expect(summary).toContain('check502_rerun');
    expect(summary).not.toContain('check502_fix');
  });
});
