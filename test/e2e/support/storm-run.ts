// An alert storm as it happens, shared by the storm e2e test and `npm run bench storm`: N sites of a
// storm lab alert at once through the real `check502 serve` (Slack sink from configuration, so Slack's
// real pace of about one message a second per channel) against the Slack fake.
import type { ServerConfig } from '../../../src/config.js';
import { startServe } from '../../../src/roles/serve.js';
import { type FakeSlackApi, type SlackCall, startFakeSlackApi } from '../../fakes/slack-api.js';
import { removePrefix } from '../../support/redis-cleanup.js';
import { type RedisTestTarget, uniquePrefix } from '../../support/redis-test-target.js';
import { logger, testConfig } from '../../support/slack-harness.js';
import { type StormLab, startStormLab } from './storm-lab.js';

export const STORM_CHANNEL = 'C0STORM';
const SECRET = 'e2e-webhook-secret-0123456789';

export const isStorm = (call: SlackCall) => String(call.args['text'] ?? '').includes('Alert storm');

export interface StormRun {
  slackApi: FakeSlackApi;
  lab: StormLab;
  /** When the first alert was sent (Date.now()), to compare with `SlackCall.at`. */
  first: number;
  /** The HTTP status of each site's alert, in `lab.hosts` order. */
  answers: number[];
  /** Storm messages as posted and as edited, oldest first. */
  storms(): SlackCall[];
  /** Root messages of the sites (not the storm message), oldest first. */
  roots(): SlackCall[];
  close(): Promise<void>;
}

/** `redis`: a URL (the bench), or a test project's target (one server or a Redis Cluster). */
export async function runStorm(redis: string | RedisTestTarget, count: number): Promise<StormRun> {
  const target = typeof redis === 'string' ? { url: redis } : redis;
  const [slackApi, lab] = await Promise.all([startFakeSlackApi(), startStormLab(count)]);
  const prefix = uniquePrefix(target, 'es');
  const config: ServerConfig = {
    ...testConfig(target, slackApi.apiUrl, prefix),
    webhookSecret: SECRET,
    alertSlackChannel: STORM_CHANNEL,
  };
  const serve = await startServe({ config, worker: true, logger, diagnoser: lab });
  const close = async () => {
    for (const step of [
      () => serve.close(),
      () => removePrefix(target, prefix),
      () => slackApi.close(),
      () => lab.close(),
    ])
      await step().catch(() => {});
  };
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
  const posts = () => slackApi.callsOf('chat.postMessage').filter((c) => c.args['channel'] === STORM_CHANNEL);
  return {
    slackApi,
    lab,
    first,
    answers,
    storms: () =>
      slackApi.calls.filter(
        (c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && isStorm(c),
      ),
    roots: () => posts().filter((c) => c.args['thread_ts'] === undefined && !isStorm(c)),
    close,
  };
}
