// Alert webhooks through the real `check502 serve` (startServe with its own route list, sinks from
// configuration, in-process diagnosis and incident workers) against real Redis and the Slack fake:
// an alert opens one incident thread in ALERT_SLACK_CHANNEL with the findings under it, a storm
// opens no more roots than sites, and a resolve closes the incident once, after the bot's check.
import { afterEach, expect, inject, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.js';
import { LAB_HOST, startLabDiagnoser } from '../support/lab-diagnoser.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { uniquePrefix } from '../support/redis-test-target.js';
import { logger, testConfig } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';
import { switchableDiagnoser } from './support/switchable-diagnoser.js';

const redis = inject('redisTarget');
const SECRET = 'e2e-webhook-secret-0123456789';
const ALERTS = 'C0ALERTS';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function start(): Promise<{
  serve: ServeHandle;
  slackApi: FakeSlackApi;
  diagnoser: ReturnType<typeof switchableDiagnoser>;
}> {
  const [slackApi, lab] = await Promise.all([startFakeSlackApi(), startLabDiagnoser()]);
  const diagnoser = switchableDiagnoser(lab);
  const prefix = uniquePrefix(redis, 'ea');
  const config: ServerConfig = {
    ...testConfig(redis, slackApi.apiUrl, prefix),
    webhookSecret: SECRET,
    alertSlackChannel: ALERTS,
  };
  const serve = await startServe({
    config,
    worker: true,
    logger,
    diagnoser,
    incidentTimings: { recheckDelayMs: 50, editIntervalMs: 50, noteIntervalMs: 60_000, maxRechecks: 2 },
  });
  cleanups.push(
    () => diagnoser.close(),
    () => slackApi.close(),
    () => removePrefix(redis, prefix),
    () => serve.close(),
  );
  return { serve, slackApi, diagnoser };
}

async function alert(serve: ServeHandle, body: unknown, secret = SECRET) {
  const response = await fetch(`${serve.url}/webhooks/generic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function alertThreads(slackApi: FakeSlackApi) {
  const posts = slackApi.callsOf('chat.postMessage').filter((c) => c.result?.['ok'] === true);
  const roots = posts.filter((c) => c.args['channel'] === ALERTS && c.args['thread_ts'] === undefined);
  const replies = (root: (typeof posts)[number]) =>
    posts.filter((c) => c.args['thread_ts'] === root.result?.['ts']);
  return { posts, roots, replies };
}

const text = (call: { args: Record<string, unknown> }) =>
  JSON.stringify([call.args['text'], call.args['blocks']]);

it('refuses alerts without the secret, and queues nothing', async () => {
  const { serve, slackApi } = await start();
  const refused = await alert(serve, { site: LAB_HOST, status: 'firing', summary: 'x' }, 'wrong-secret');
  expect(refused.status).toBe(401);
  await new Promise((r) => setTimeout(r, 300));
  expect(slackApi.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0); // only the start-up token check
}, 30_000);

it('opens one incident thread with the findings, and closes it once after its own re-check agrees', async () => {
  const { serve, slackApi, diagnoser } = await start();
  const fired = await alert(serve, { site: LAB_HOST, status: 'firing', summary: 'Checkout returns 502' });
  expect(fired.status).toBe(202);

  await slackApi.waitFor(() => {
    const { roots, replies } = alertThreads(slackApi);
    return roots.length === 1 && replies(roots[0]!).some((r) => text(r).includes('Primary cause'));
  }, 20_000);
  const { roots, replies } = alertThreads(slackApi);
  expect(roots).toHaveLength(1);
  const findings = replies(roots[0]!);
  expect(findings.some((r) => text(r).includes('edge.error'))).toBe(true);
  expect(findings.some((r) => text(r).includes('origin.connection_refused'))).toBe(true);
  // An incident's run starts in its own root: no "re-running" note there.
  expect(findings.some((r) => text(r).includes('Re-running'))).toBe(false);

  // The site recovers; the resolve (delivered twice) closes the incident once, after a re-check.
  diagnoser.fixed = true;
  const before = diagnoser.runs.length;
  for (let i = 0; i < 2; i++)
    expect((await alert(serve, { site: LAB_HOST, status: 'resolved', summary: 'ok' })).status).toBe(202);
  const resolvedNotes = () => {
    const now = alertThreads(slackApi);
    return now.replies(now.roots[0]!).filter((r) => text(r).includes('Resolved:'));
  };
  await slackApi.waitFor(() => resolvedNotes().length > 0, 20_000);
  await new Promise((r) => setTimeout(r, 500));
  const after = alertThreads(slackApi);
  expect(after.roots).toHaveLength(1);
  expect(resolvedNotes()).toHaveLength(1);
  expect(String(after.posts.at(-1)?.args['text'])).toContain('Resolved:');
  expect(diagnoser.runs.length).toBeGreaterThan(before);
}, 60_000);

it('a storm of 50 alerts for 2 sites opens exactly 2 incident roots', async () => {
  const { serve, slackApi } = await start();
  const sites = ['api.example.com', 'www.example.com'];
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      alert(serve, { site: sites[i % 2], status: 'firing', summary: `alert ${i}` }),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
  await slackApi.waitFor(() => {
    const { roots, replies } = alertThreads(slackApi);
    return (
      roots.length === 2 &&
      roots.every((root) => replies(root).some((r) => text(r).includes('Primary cause')))
    );
  }, 30_000);
  await new Promise((r) => setTimeout(r, 500));
  const { roots } = alertThreads(slackApi);
  expect(roots).toHaveLength(2);
  expect(new Set(roots.map((r) => text(r).match(/(api|www)\.example\.com/)?.[0]))).toEqual(new Set(sites));
}, 60_000);

it('posts the incident timeline as a Markdown file in its thread on /check502 timeline <site>', async () => {
  const { serve, slackApi } = await start();
  const fired = await alert(serve, { site: LAB_HOST, status: 'firing', summary: 'Checkout returns 502' });
  expect(fired.status).toBe(202);
  await slackApi.waitFor(() => {
    const { roots, replies } = alertThreads(slackApi);
    return roots.length === 1 && replies(roots[0]!).some((r) => text(r).includes('Primary cause'));
  }, 20_000);
  const rootTs = alertThreads(slackApi).roots[0]!.result?.['ts'];

  const answer = await postSigned(
    serve.url,
    commandBody({ text: `timeline ${LAB_HOST}`, channel: 'C0OPS', responseUrl: slackApi.responseUrl('tl') }),
  );
  expect(answer.status).toBe(200);
  expect(answer.json?.text).toContain(
    `Posting the timeline of ${LAB_HOST}#1 as a Markdown file in its thread`,
  );
  await slackApi.waitFor(() => slackApi.uploads.some((u) => u.channel !== undefined), 10_000);
  const [upload] = slackApi.uploads;
  expect(upload).toMatchObject({ channel: ALERTS, threadTs: rootTs, filename: `timeline-${LAB_HOST}-1.md` });
  expect(upload?.content).toContain(`# Incident ${LAB_HOST}#1: ${LAB_HOST}`);
  expect(upload?.content).toMatch(/First alert from \*\*generic\*\*: Checkout returns 502/);
  expect(upload?.content).toMatch(/Diagnosis: \*\*failing\*\*, primary cause `origin.connection_refused`/);

  const none = await postSigned(
    serve.url,
    commandBody({
      text: 'timeline quiet.example.com',
      channel: 'C0OPS',
      responseUrl: slackApi.responseUrl('tl2'),
    }),
  );
  expect(none.json?.text).toContain('I have no timeline for quiet.example.com');
}, 40_000);
