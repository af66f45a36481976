// Drill: a worker process killed (SIGKILL) in the middle of a watch — its root posted, its first
// run's diagnosis in progress — while another worker process runs. The watch must go on without
// losing a run or posting anything twice: one root, the first run's summary once, the site's
// recovery told exactly once, the root ending with the outcome.
import { afterEach, expect, inject, it } from 'vitest';
import type { FakeSlackApi } from '../fakes/slack-api.js';
import { commandBody, postSigned } from '../support/slack-requests.js';
import { waitUntil } from './support/check502-process.js';
import { startWorkerPair } from './support/worker-pair.js';

const redisUrl = inject('redisUrl');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 30_000);

function thread(api: FakeSlackApi) {
  const posts = api.callsOf('chat.postMessage').filter((c) => c.result?.['ok'] === true);
  const roots = posts.filter((c) => c.args['thread_ts'] === undefined);
  const replies = posts.filter((c) => c.args['thread_ts'] !== undefined);
  const updates = api.callsOf('chat.update').filter((c) => c.result?.['ok'] === true);
  return { roots, replies, updates, texts: replies.map((r) => String(r.args['text'])) };
}

it('SIGKILL mid-watch: the other worker carries the watch on; nothing lost, nothing posted twice', async () => {
  const { prefix, gateKey, slackApi, redis, front, workers } = await startWorkerPair(redisUrl, cleanups, {
    prefixTag: 'fw',
    env: (prefix) => ({ FAULT_HEAL_KEY: `${prefix}:fault:healed`, FAULT_WATCH_DELAY_MS: '300' }),
  });
  const healKey = `${prefix}:fault:healed`;

  const ack = await postSigned(
    front.url,
    commandBody({ text: 'watch shop.example.com 10m', responseUrl: slackApi.responseUrl('w') }),
  );
  expect(ack.json?.text).toMatch(/^👀 Watching/);
  // The root is posted and on record; the first run's diagnosis is held at the origin check.
  await waitUntil(
    async () => (await redis.get(gateKey)) !== null,
    'a worker to reach the origin check',
    30_000,
  );
  await waitUntil(
    async () => {
      const keys = await redis.keys(`${prefix}:posted:watch-*`);
      return keys.length === 1 && (await redis.hexists(keys[0]!, 'root')) === 1;
    },
    'the watch root to be on record',
    10_000,
  );
  const holderPid = Number(await redis.get(gateKey));
  const holder = workers.find((w) => w.child.pid === holderPid);
  const survivor = workers.find((w) => w !== holder);
  if (!holder || !survivor) throw new Error('no worker process holds the watch run');
  holder.kill('SIGKILL');
  expect(await holder.exited).toBe('SIGKILL');
  const killedAt = Date.now();
  await redis.set(`${gateKey}:release`, '1');

  // The survivor re-runs the stalled first run: its summary appears once, then the site recovers.
  await slackApi.waitFor(() => thread(slackApi).replies.length >= 1, 30_000);
  await redis.set(healKey, '1');
  await slackApi.waitFor(() => thread(slackApi).texts.some((t) => /recovered after/.test(t)), 30_000);
  await slackApi.waitFor(
    () => /Watch: recovered/.test(JSON.stringify(thread(slackApi).updates.at(-1)?.args['blocks'])),
    10_000,
  );
  console.info(`[figure] SIGKILL mid-watch: recovery posted ${Date.now() - killedAt} ms after the kill`);
  await new Promise((r) => setTimeout(r, 1000)); // any straggling duplicate would show by now
  const done = thread(slackApi);
  expect(done.roots).toHaveLength(1);
  for (const reply of done.replies) expect(reply.args['thread_ts']).toBe(done.roots[0]?.result?.['ts']);
  // The first run's summary and the recovery: each once, nothing else (the failing runs changed nothing).
  expect(done.replies).toHaveLength(2);
  expect(done.texts.filter((t) => /recovered/.test(t))).toHaveLength(1);
  expect(JSON.stringify(done.replies[0]?.args['blocks'])).toContain('origin.connection_refused');
  await survivor.waitForLog((l) => /stalled/.test(String(l['msg'])), 5000);
  expect(survivor.child.exitCode).toBeNull();
}, 120_000);
