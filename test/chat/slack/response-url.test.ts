// `response_url` is posted to only when it is Slack's own hooks host (or, for tests and private
// deployments, the origin of the configured SLACK_API_URL), and the hooks host only through the
// private-address guard. A signed payload naming any other URL never makes the bot post there.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { postToResponseUrl, responseUrlGuard } from '../../../src/chat/slack/response-url.js';
import { createAddressPolicy } from '../../../src/probes/address-policy.js';
import { scriptedDiagnoser } from '../../support/scripted-diagnoser.js';
import { type Harness, startHarness } from '../../support/slack-harness.js';
import { commandBody, postSigned, rerunBody } from '../../support/slack-requests.js';

const redisUrl = inject('redisUrl');
let harness: Harness | undefined;
let elsewhere: Server;
let elsewhereUrl: string;
const hits: string[] = [];

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    res.end('ok');
  });
  elsewhere.listen(0, '127.0.0.2');
  await new Promise((r) => elsewhere.once('listening', r));
  elsewhereUrl = `http://127.0.0.2:${(elsewhere.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => elsewhere.close(() => resolve())));
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('response_url from a signed request', () => {
  it('is not trusted when it points anywhere but Slack: the command is refused and nothing is posted there', async () => {
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser() });
    const { slackApi, serve } = harness;
    slackApi.blockChannel('C0PRIVATE'); // the path that posts the invite hint to response_url
    const ack = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', channel: 'C0PRIVATE', responseUrl: `${elsewhereUrl}/steal` }),
    );
    expect(ack.status).toBe(200);
    expect(ack.json?.text).toContain('response_url');
    const button = await postSigned(
      serve.url,
      rerunBody({
        site: 'shop.example.com',
        run: 2,
        channel: 'C0OPS',
        root: '1700000000.000001',
        summaryTs: '1700000000.000002',
        responseUrl: `${elsewhereUrl}/steal-button`,
      }),
    );
    expect(button.status).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 1000));
    expect(hits).toEqual([]);
    expect(slackApi.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('still reaches the configured Slack (the fake) for the invite hint', async () => {
    harness = await startHarness(redisUrl, { diagnoser: scriptedDiagnoser() });
    const { slackApi, serve } = harness;
    slackApi.blockChannel('C0PRIVATE');
    await postSigned(
      serve.url,
      commandBody({
        text: 'shop.example.com',
        channel: 'C0PRIVATE',
        responseUrl: slackApi.responseUrl('ok'),
      }),
    );
    await slackApi.waitFor(() => slackApi.responses.length === 1);
    expect(slackApi.responses[0]?.id).toBe('ok');
  });
});

describe('responseUrlGuard', () => {
  const guard = responseUrlGuard({ apiUrl: 'http://127.0.0.1:9999/api/' });

  it('allows Slack hooks and the configured API origin only', () => {
    expect(guard.allows('https://hooks.slack.com/commands/T0/123/abc')).toBe(true);
    expect(guard.allows('https://hooks.slack.com/actions/T0/123/abc')).toBe(true);
    expect(guard.allows('http://127.0.0.1:9999/respond/x')).toBe(true);
    for (const url of [
      'http://hooks.slack.com/commands/T0/1/a', // not https
      'https://hooks.slack.com.evil.test/commands/T0/1/a',
      'https://hooks.slack.com@evil.test/commands/T0/1/a',
      'https://hooks.slack.com/services/T0/B0/x', // an incoming webhook, not a response URL
      'https://evil.test/commands/T0/1/a',
      'http://127.0.0.1:9998/respond/x', // another port on the same host
      'http://169.254.169.254/latest/meta-data/',
      'not a url',
    ]) {
      expect(guard.allows(url), url).toBe(false);
    }
  });

  it('sends to the hooks host only through the private-address guard', async () => {
    // hooks.slack.com answered (poisoned DNS, a hostile resolver) with a loopback address.
    const poisoned = responseUrlGuard({
      policy: createAddressPolicy([]),
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    await expect(
      postToResponseUrl('https://hooks.slack.com/commands/T0/1/abc', { text: 'hi' }, poisoned),
    ).rejects.toThrow(/guarded/);
    await expect(postToResponseUrl(`${elsewhereUrl}/x`, { text: 'hi' }, poisoned)).rejects.toThrow(
      /not a Slack response URL/,
    );
    expect(hits).toEqual([]);
  });
});
