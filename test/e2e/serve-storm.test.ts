// An alert storm as it happens: 30 sites behind one dead origin alert at once through the real
// `check502 serve` (Slack sink from configuration, so Slack's real pace of about one message a second
// per channel), against the Slack fake and a lab of 30 sites. One storm message must name that origin
// within 5 s of the first alert, ahead of the 30 roots queued behind it; then one thread per site.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, inject, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { type FakeSlackApi, type SlackCall, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { logger, testConfig } from '../support/slack-harness.js';
import { startStormLab } from './support/storm-lab.js';

const redisUrl = inject('redisUrl');
const SECRET = 'e2e-webhook-secret-0123456789';
const ALERTS = 'C0STORM';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

const isStorm = (call: SlackCall) => String(call.args['text'] ?? '').includes('Alert storm');

it('posts one storm message naming the shared dead origin within 5 s, then one thread per site', async () => {
  const [slackApi, lab] = await Promise.all([startFakeSlackApi(), startStormLab(30)]);
  const prefix = `es${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const config: ServerConfig = {
    ...testConfig(redisUrl, slackApi.apiUrl, prefix),
    webhookSecret: SECRET,
    alertSlackChannel: ALERTS,
  };
  const serve: ServeHandle = await startServe({ config, worker: true, logger, diagnoser: lab });
  cleanups.push(
    () => lab.close(),
    () => slackApi.close(),
    () => removePrefix(redisUrl, prefix),
    () => serve.close(),
  );

  const first = Date.now();
  const answers = await Promise.all(
    lab.hosts.map((site) =>
      fetch(`${serve.url}/webhooks/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ site, status: 'firing', summary: `${site} returns 521` }),
        signal: AbortSignal.timeout(10_000),
      }).then((r) => r.status),
    ),
  );
  expect(answers).toEqual(lab.hosts.map(() => 202));

  // The alert channel is shared, so the origin address is shown with its last part hidden
  // (CHECK502_SHOW_ORIGIN_ADDRESSES=private, the default): it is still named as one origin.
  const hidden = lab.origin.replace(/\.\d+$/, '.x');
  const named = `one origin ${hidden} refusing`;
  await waitFor(slackApi, () => storms(slackApi).some((c) => String(c.args['text']).includes(named)), 5000);
  const naming = storms(slackApi).find((c) => String(c.args['text']).includes(named))!;
  expect(naming.at - first).toBeLessThan(5000);
  const posted = slackApi
    .callsOf('chat.postMessage')
    .filter((c) => c.args['channel'] === ALERTS && isStorm(c));
  expect(posted).toHaveLength(1);
  expect(String(naming.args['text'])).toMatch(/^🌩️ \*Alert storm: \d+ sites, one origin/);

  // Every site gets its own thread behind it, and the storm message ends up linking all 30.
  const roots = () =>
    slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.args['channel'] === ALERTS && c.args['thread_ts'] === undefined && !isStorm(c));
  await waitFor(slackApi, () => roots().length >= 30, 60_000);
  await new Promise((r) => setTimeout(r, 1500));
  expect(roots()).toHaveLength(30);
  const rootTexts = roots().map((c) => JSON.stringify(c.args));
  for (const site of lab.hosts)
    expect(rootTexts.filter((t) => t.includes(`${site}`)).length).toBeGreaterThanOrEqual(1);
  await waitFor(
    slackApi,
    () => (String(storms(slackApi).at(-1)?.args['text']).match(/\|thread>/g) ?? []).length === 30,
    30_000,
  );
  console.info(
    `[figure] storm of 30 sites: message naming the origin ${naming.at - first} ms after the first alert`,
  );
}, 120_000);

/** Storm messages as posted and as edited, oldest first. */
function storms(slackApi: FakeSlackApi): SlackCall[] {
  return slackApi.calls.filter(
    (c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && isStorm(c),
  );
}

async function waitFor(slackApi: FakeSlackApi, predicate: () => boolean, timeoutMs: number) {
  await slackApi.waitFor(predicate, timeoutMs);
}
