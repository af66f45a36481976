// Slack's rate limits and hiccups, through the real SlackSink and web-api client against the fake:
// a 429 is waited out (Retry-After) and the message still arrives once; 5xx is retried; a burst of
// edits to one message is coalesced; nothing is dropped.
import { afterEach, describe, expect, it } from 'vitest';
import type { SlackSink } from '../../../src/chat/slack/slack-sink.js';
import type { Report } from '../../../src/diagnosis/report.js';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.js';
import { fastSink } from '../../support/slack-harness.js';

let api: FakeSlackApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const report: Report = {
  site: 'shop.example.com',
  url: 'https://shop.example.com/',
  verdict: 'healthy',
  primaryCause: null,
  findings: [],
  checks: [],
  startedAt: new Date().toISOString(),
  durationMs: 10,
  cloudflareApiCalls: 0,
};

async function start(): Promise<{ api: FakeSlackApi; sink: SlackSink }> {
  api = await startFakeSlackApi();
  return { api, sink: fastSink(api.apiUrl) };
}

describe('SlackSink outgoing queue', () => {
  it('waits out a 429 for its Retry-After and delivers the message once', async () => {
    const { api, sink } = await start();
    api.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const thread = await sink.startThread({ platform: 'slack', channel: 'C1' }, { site: 'shop.example.com' });
    const posts = api.callsOf('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(posts[0]?.result?.['status']).toBe(429);
    expect(posts[1]?.result?.['ok']).toBe(true);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(thread.root).toBe(posts[1]?.result?.['ts']);
  });

  it('retries 5xx answers until the message is delivered', async () => {
    const { api, sink } = await start();
    api.failNext('chat.postMessage', { status: 503 }, 2);
    await sink.postNote({ platform: 'slack', channel: 'C1', root: '1.1' }, 'hello');
    const posts = api.callsOf('chat.postMessage');
    expect(posts.map((p) => p.result?.['status'])).toEqual([503, 503, 200]);
  });

  it('rejects (so the job retries later) instead of dropping when Slack keeps failing', async () => {
    const { api, sink } = await start();
    api.failNext('chat.postMessage', { status: 500 }, 50);
    await expect(sink.postNote({ platform: 'slack', channel: 'C1', root: '1.1' }, 'hello')).rejects.toThrow(
      /http_500/,
    );
  });

  it('keeps messages to one channel in order and coalesces edits of the same message', async () => {
    const { api, sink } = await start();
    const thread = { platform: 'slack' as const, channel: 'C2', root: '9.9' };
    api.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const work = [
      sink.postNote(thread, 'one'),
      sink.postNote(thread, 'two'),
      sink.updateRoot(thread, undefined, { site: 'shop.example.com' }),
      sink.updateRoot(thread, undefined, { site: 'shop.example.com', run: 2 }),
      sink.updateRoot(thread, report, { site: 'shop.example.com', run: 3 }),
    ];
    await Promise.all(work);
    const delivered = api.calls.filter((c) => c.result?.['ok'] === true);
    expect(delivered.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage', 'chat.update']);
    expect(delivered.map((c) => c.args['text'])).toEqual(['one', 'two', 'shop.example.com is healthy']);
  });

  it('posts new threads ahead of the replies and edits already waiting in the channel', async () => {
    api = await startFakeSlackApi();
    const sink = fastSink(api.apiUrl, { ratePerSecond: 10, burst: 1 });
    const old = { platform: 'slack' as const, channel: 'C3', root: '5.5' };
    const first = sink.postNote(old, 'reply one');
    await api.waitFor(() => api!.calls.length === 1); // on its way: it keeps its place
    const work: Promise<unknown>[] = [
      first,
      sink.postNote(old, 'reply two'),
      sink.updateRoot(old, report, { site: 'shop.example.com' }),
      sink.startThread({ platform: 'slack', channel: 'C3' }, { site: 'a.example.com' }),
      sink.startThread({ platform: 'slack', channel: 'C3' }, { site: 'b.example.com' }),
    ];
    await Promise.all(work);
    const order = api.calls.map((c) =>
      c.args['thread_ts'] !== undefined ? String(c.args['text']) : `${c.method} ${String(c.args['text'])}`,
    );
    // Both sites' roots come next, in the order asked, then what was waiting before them.
    expect(order).toEqual([
      'reply one',
      expect.stringMatching(/^chat\.postMessage .*a\.example\.com/),
      expect.stringMatching(/^chat\.postMessage .*b\.example\.com/),
      'reply two',
      'chat.update shop.example.com is healthy',
    ]);
  });

  it('sends the storm message and its edits ahead of every root already waiting', async () => {
    api = await startFakeSlackApi();
    const sink = fastSink(api.apiUrl, { ratePerSecond: 10, burst: 1 });
    const first = sink.startThread({ platform: 'slack', channel: 'C4' }, { site: 'a.example.com' });
    await api.waitFor(() => api!.calls.length === 1);
    const roots = ['b', 'c', 'd'].map((x) =>
      sink.startThread({ platform: 'slack', channel: 'C4' }, { site: `${x}.example.com` }),
    );
    const view = {
      id: 'storm-1',
      since: '2026-03-02T13:08:45.000Z',
      diagnosed: 0,
      sites: [{ site: 'a.example.com' }],
    };
    const storm = await sink.postStorm('C4', () => view);
    // Its edit, asked while roots still wait, also goes ahead of them.
    const edited = sink.updateStorm(storm, {
      ...view,
      diagnosed: 2,
      cause: '4 sites, one origin 203.0.113.10 refusing on 443',
    });
    await Promise.all([first, ...roots, edited]);
    const order = api.calls.map((c) => `${c.method} ${String(c.args['text']).slice(0, 80)}`);
    expect(order[0]).toMatch(/a\.example\.com/);
    expect(order[1]).toMatch(/^chat\.postMessage 🌩️ \*Alert storm: 1 site failing together/);
    expect(order[2]).toMatch(/^chat\.update 🌩️ \*Alert storm: 4 sites, one origin 203\.0\.113\.x/);
    expect(order.slice(3)).toEqual([
      expect.stringMatching(/b\.example\.com/),
      expect.stringMatching(/c\.example\.com/),
      expect.stringMatching(/d\.example\.com/),
    ]);
  });

  it('skips a message Slack refuses, without retrying it, and still posts the next one', async () => {
    const { api, sink } = await start();
    api.failNext('chat.postMessage', { error: 'invalid_blocks' });
    const thread = { platform: 'slack' as const, channel: 'C1', root: '1.1' };
    await sink.postNote(thread, 'x'); // refused for good: skipped (the rule on ChatSink), not thrown
    await sink.postNote(thread, 'y');
    expect(api.callsOf('chat.postMessage').map((c) => c.result?.['ok'])).toEqual([false, true]);
  });

  it('leaves a channel it was removed from alone instead of failing every message', async () => {
    const { api, sink } = await start();
    api.failNext('chat.postMessage', { error: 'not_in_channel' });
    const thread = { platform: 'slack' as const, channel: 'C1', root: '1.1' };
    await sink.postNote(thread, 'x');
    await sink.postSummary(thread, report);
    await sink.postNote({ ...thread, channel: 'C2' }, 'elsewhere');
    expect(api.callsOf('chat.postMessage').map((c) => c.args['channel'])).toEqual(['C1', 'C2']);
  });
});

describe('per-channel pacing', () => {
  it('paces a channel after its burst, even across sequential posts, without holding up another channel', async () => {
    api = await startFakeSlackApi();
    const sink = fastSink(api.apiUrl, { ratePerSecond: 2, burst: 2 });
    const a = { platform: 'slack' as const, channel: 'CA', root: '1.1' };
    const b = { platform: 'slack' as const, channel: 'CB', root: '2.2' };
    // Sequential posts, as a worker makes them: the bucket must not refill between them.
    const channelA = (async () => {
      for (const text of ['a1', 'a2', 'a3', 'a4']) await sink.postNote(a, text);
    })();
    await api.waitFor(() => api!.calls.length === 2);
    await sink.postNote(b, 'b1');
    await channelA;
    const at = (text: string) => api!.calls.find((c) => c.args['text'] === text)!.at;
    expect(at('a3') - at('a1')).toBeGreaterThanOrEqual(400);
    expect(at('a4') - at('a3')).toBeGreaterThanOrEqual(400);
    // CB was not queued behind CA's pacing.
    expect(api.calls.map((c) => c.args['text'])).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
  });
});
