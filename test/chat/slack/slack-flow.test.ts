// /check502 end to end through the real HTTP route, Bolt, BullMQ on real Redis, the worker and the
// Slack sink, against the fake Slack Web API.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ActiveRuns } from '../../../src/jobs/active-runs.js';
import { scriptedDiagnoser } from '../../support/scripted-diagnoser.js';
import { blocksText, type Harness, startHarness, threadOf } from '../../support/slack-harness.js';
import { commandBody, postSigned, rerunBody } from '../../support/slack-requests.js';

const redisUrl = inject('redisUrl');
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function jobCount(h: Harness): Promise<number> {
  const queue = new Queue('diagnosis', { connection: { url: redisUrl } as never, prefix: h.prefix });
  try {
    const counts = await queue.getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

async function threadRecorded(h: Harness, site: string, rootTs: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const runs = new ActiveRuns(redis, h.prefix);
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      if ((await runs.get('slack', site))?.thread?.root === rootTs) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`the run for ${site} never recorded thread ${rootTs}`);
  } finally {
    redis.disconnect();
  }
}

describe('/check502 <site>', () => {
  it('acks at once, then posts a root, one threaded message per check, a summary, and edits the root', async () => {
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser() });
    const { slackApi, serve } = harness;

    const ack = await postSigned(
      serve.url,
      commandBody({ text: 'https://shop.example.com/cart', responseUrl: slackApi.responseUrl('c1') }),
    );
    expect(ack.status).toBe(200);
    expect(ack.json?.response_type).toBe('ephemeral');
    expect(ack.json?.text).toContain('Diagnosing shop.example.com');

    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1);
    const thread = threadOf(slackApi);
    expect(thread.roots).toHaveLength(1);
    expect(thread.root?.args['channel']).toBe('C0OPS');
    expect(thread.root?.args['text']).toBe('Checking shop.example.com…');
    expect(thread.root?.token).toBe('xoxb-test-token');

    // The two checks that found a problem + the summary, all under the root; Public DNS passed and is
    // one line in the summary instead of a message of its own.
    expect(thread.replies).toHaveLength(3);
    for (const reply of thread.replies) expect(reply.args['thread_ts']).toBe(thread.rootTs);
    const origin = thread.replies.find((r) => blocksText(r).includes('origin.connection_refused'));
    expect(origin).toBeDefined();
    const blocks = origin?.args['blocks'] as { type: string; elements?: { text: string }[] }[];
    expect(
      blocks.some(
        (b) => b.type === 'context' && b.elements?.[0]?.text.includes('`origin.connection_refused`'),
      ),
    ).toBe(true);
    // Text from outside is escaped for mrkdwn.
    expect(blocksText(origin!)).toContain('&lt;script&gt;&amp;amp;');
    expect(blocksText(origin!)).not.toContain('<script>');

    const summary = thread.replies.at(-1)!;
    expect(summary.args['text']).toContain('failing');
    expect(blocksText(summary)).toContain('Primary cause');
    expect(blocksText(summary)).toContain('check502_rerun');
    expect(blocksText(summary)).toContain('check502_details');
    // The passing check is one line, in words; no evidence keys anywhere in the thread.
    expect(blocksText(summary)).toMatch(/✓ \*Public DNS\* — resolves to Cloudflare · \d+ ms/);
    for (const reply of thread.replies)
      expect(blocksText(reply)).not.toMatch(/rayId|cloudflareErrorCode|blames:/);

    const update = thread.updates[0]!;
    expect(update.args['ts']).toBe(thread.rootTs);
    expect(update.args['channel']).toBe('C0OPS');
    expect(update.args['text']).toMatch(/shop\.example\.com is failing/);
  });

  it('answers help, an empty command and invalid input with an ephemeral message, and queues nothing', async () => {
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser() });
    const { slackApi, serve } = harness;
    const url = slackApi.responseUrl('x');
    const help = await postSigned(serve.url, commandBody({ text: 'help', responseUrl: url }));
    const empty = await postSigned(serve.url, commandBody({ text: '  ', responseUrl: url }));
    const bad = await postSigned(serve.url, commandBody({ text: 'rm -rf /', responseUrl: url }));
    const ip = await postSigned(serve.url, commandBody({ text: '10.0.0.1', responseUrl: url }));
    for (const r of [help, empty, bad, ip]) {
      expect(r.status).toBe(200);
      expect(r.json?.response_type).toBe('ephemeral');
    }
    expect(help.json?.text).toContain('/check502 <site>');
    expect(empty.json?.text).toContain('/check502 <site>');
    expect(bad.json?.text).toContain('one site');
    expect(ip.json?.text).toContain('IP address');
    expect(await jobCount(harness)).toBe(0);
    expect(slackApi.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0); // only the start-up token check
  });

  it('points a second request for the same site to the run already answering', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser({ originGate: () => gate }) });
    const { slackApi, serve } = harness;
    const first = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('a') }),
    );
    expect(first.json?.text).toContain('Diagnosing');
    await slackApi.waitFor(() => threadOf(slackApi).rootTs !== undefined);
    const rootTs = threadOf(slackApi).rootTs!;
    // The bot records its thread one Redis call after Slack answers the post: no person types a
    // second command inside that window, but a loaded test machine can; wait for the record.
    await threadRecorded(harness, 'shop.example.com', rootTs);

    const second = await postSigned(
      serve.url,
      commandBody({ text: 'SHOP.example.com', user: 'U0BOB', responseUrl: slackApi.responseUrl('b') }),
    );
    expect(second.json?.text).toContain('already running');
    expect(second.json?.text).toContain(`/archives/C0OPS/p${rootTs.replace('.', '')}`);

    release();
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1);
    expect(threadOf(slackApi).roots).toHaveLength(1);

    // Once it finished, the site is free again: a new request is its own run.
    const third = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('c') }),
    );
    expect(third.json?.text).toContain('Diagnosing');
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 2);
    expect(threadOf(slackApi).roots).toHaveLength(2);
  });

  it('runs the diagnosis again in the same thread when Re-run is pressed', async () => {
    const diagnoser = scriptedDiagnoser();
    harness = await startHarness(redisUrl, { diagnoser });
    const { slackApi, serve } = harness;
    await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('a') }),
    );
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1);
    const first = threadOf(slackApi);
    const summaryTs = first.replies.at(-1)!.result!['ts'] as string;

    const click = await postSigned(
      serve.url,
      rerunBody({
        site: 'shop.example.com',
        run: 2,
        channel: 'C0OPS',
        root: first.rootTs!,
        summaryTs,
        responseUrl: slackApi.responseUrl('r'),
      }),
    );
    expect(click.status).toBe(200);
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 2);
    const after = threadOf(slackApi);
    expect(after.roots).toHaveLength(1);
    expect(diagnoser.runs).toBe(2);
    // The re-run's note, 3 checks and its summary join the same thread.
    expect(after.replies).toHaveLength(3 + 4);
    for (const reply of after.replies) expect(reply.args['thread_ts']).toBe(first.rootTs);
    expect(after.replies.some((r) => String(r.args['text']).includes('Re-running'))).toBe(true);
    expect(after.updates[1]?.args['ts']).toBe(first.rootTs);
    expect(JSON.stringify(after.updates[1]?.args['blocks'])).toContain('run 2');
  });

  it('rejects unsigned, forged and replayed requests with 401 and queues nothing', async () => {
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser() });
    const { slackApi, serve } = harness;
    const body = commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('x') });
    // Well outside the window: a slow machine must not drift a boundary timestamp back inside it.
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      await postSigned(serve.url, body, { unsigned: true }),
      await postSigned(serve.url, body, { secret: 'not-the-secret' }),
      await postSigned(serve.url, body, { timestamp: now - 360 }),
      await postSigned(serve.url, body, { timestamp: now + 360 }),
    ];
    for (const attempt of attempts) expect(attempt.status).toBe(401);
    // A body altered after signing fails too.
    const tampered = await fetch(`${serve.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(await import('../../../src/chat/slack/verify-signature.js')).signSlackRequest(
          'test-signing-secret-0123456789',
          body,
        ),
      },
      body: body.replace('shop.example.com', 'evil.example.com'),
    });
    expect(tampered.status).toBe(401);
    expect(await jobCount(harness)).toBe(0);
    expect(slackApi.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0); // only the start-up token check
  });

  it('tells the requester how to invite the bot when it cannot post in the channel', async () => {
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser() });
    const { slackApi, serve } = harness;
    slackApi.blockChannel('C0PRIVATE');
    const ack = await postSigned(
      serve.url,
      commandBody({
        text: 'shop.example.com',
        channel: 'C0PRIVATE',
        responseUrl: slackApi.responseUrl('private'),
      }),
    );
    expect(ack.json?.text).toContain('Diagnosing');
    await slackApi.waitFor(() => slackApi.responses.length === 1);
    expect(slackApi.responses[0]?.id).toBe('private');
    expect(slackApi.responses[0]?.body['text']).toContain('/invite @check502');
    expect(slackApi.responses[0]?.body['response_type']).toBe('ephemeral');
    // Not retried: one attempt at the root, and the site is free again for a retry after the invite.
    await new Promise((r) => setTimeout(r, 200));
    expect(slackApi.callsOf('chat.postMessage')).toHaveLength(1);
    const again = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', channel: 'C0OPS', responseUrl: slackApi.responseUrl('again') }),
    );
    expect(again.json?.text).toContain('Diagnosing');
  });

  it('delays the thread after a 429 and a 5xx, and still posts every message exactly once', async () => {
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser() });
    const { slackApi, serve } = harness;
    slackApi.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    slackApi.failNext('chat.postMessage', { status: 502 });
    slackApi.failNext('chat.update', { status: 429, retryAfter: 1 });
    await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('rl') }),
    );
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1, 15_000);
    const thread = threadOf(slackApi);
    expect(thread.roots).toHaveLength(1);
    expect(thread.replies).toHaveLength(3);
    const refused = slackApi.calls.filter((c) => c.result?.['ok'] !== true);
    expect(refused.map((c) => c.result?.['status'])).toEqual([429, 502, 429]);
  });
});
