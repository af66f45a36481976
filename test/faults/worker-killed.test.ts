// Drills on a worker process stopped in the middle of a diagnosis (root and two check messages
// posted, the origin check still running):
//  - SIGKILL: the job must complete on the other worker process;
//  - SIGTERM with a short shutdown budget: the process exits 0, and the job it had to cut off is
//    finished by the other worker.
// Either way the Slack thread must hold every message exactly once.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ledgerMessages } from '../support/ledger-messages.js';
import { threadOf } from '../support/slack-harness.js';
import { commandBody, postSigned } from '../support/slack-requests.js';
import { waitUntil } from './support/check502-process.js';
import { startWorkerPair } from './support/worker-pair.js';

const redisUrl = inject('redisUrl');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 30_000);

async function setUp() {
  const { prefix, gateKey, slackApi, redis, front, workers } = await startWorkerPair(redisUrl, cleanups, {
    prefixTag: 'fk',
  });

  /** Sends the command and resolves once one worker holds the job mid-diagnosis. */
  async function midDiagnosis() {
    const ack = await postSigned(
      front.url,
      commandBody({ text: 'shop.example.com', responseUrl: slackApi.responseUrl('k1') }),
    );
    expect(ack.status).toBe(200);
    await waitUntil(
      async () => (await redis.get(gateKey)) !== null,
      'a worker to reach the origin check',
      30_000,
    );
    await slackApi.waitFor(() => threadOf(slackApi).replies.length >= 1, 20_000);
    // Kill only once what was posted is on record in the ledger: a kill between a post and its
    // record repeats that one message by design (post-ledger.ts), which is not this drill's point.
    await waitUntil(
      async () => (await ledgerMessages(redis, prefix)) >= threadOf(slackApi).replies.length,
      'the posts to be recorded in the ledger',
      10_000,
    );
    expect(threadOf(slackApi).updates).toHaveLength(0);
    const holderPid = Number(await redis.get(gateKey));
    const holder = workers.find((w) => w.child.pid === holderPid);
    const survivor = workers.find((w) => w !== holder);
    if (!holder || !survivor) throw new Error(`no worker process with pid ${holderPid}`);
    return { holder, survivor };
  }

  async function expectThreadOnce(since: number, what: string) {
    try {
      await checkThread(since, what);
    } catch (error) {
      // A rare failure on a loaded machine is only useful with the whole story.
      const calls = slackApi.calls.map((c) => [
        c.method,
        c.args['thread_ts'] ?? '-',
        String(c.args['text']).slice(0, 60),
        c.result?.['ok'],
      ]);
      console.info(`[drill failed] slack calls: ${JSON.stringify(calls)}`);
      for (const w of workers)
        console.info(`[drill failed] worker ${w.child.pid}: ${JSON.stringify(w.logs.slice(-15))}`);
      throw error;
    }
  }

  async function checkThread(since: number, what: string) {
    await slackApi.waitFor(() => threadOf(slackApi).updates.length >= 1, 45_000);
    await waitUntil(
      async () => (await redis.zcard(`${prefix}:diagnosis:completed`)) === 1,
      'the job to be recorded as completed',
      10_000,
    );
    console.info(`[figure] ${what}: thread finished ${Date.now() - since} ms later`);
    // Let any straggling duplicate post show up before counting.
    await new Promise((r) => setTimeout(r, 1000));
    const thread = threadOf(slackApi);
    expect(thread.roots).toHaveLength(1);
    // The two checks with a problem + the summary, each once, all under the one root.
    expect(thread.replies).toHaveLength(3);
    for (const reply of thread.replies) expect(reply.args['thread_ts']).toBe(thread.rootTs);
    const texts = thread.replies.map((r) => JSON.stringify(r.args['blocks'] ?? r.args['text']));
    expect(new Set(texts).size).toBe(3);
    expect(thread.updates.length).toBeGreaterThanOrEqual(1);
  }

  const release = () => redis.set(`${gateKey}:release`, '1');
  return { midDiagnosis, expectThreadOnce, release };
}

describe('a worker stopped mid-diagnosis', () => {
  it('SIGKILL: the other worker finishes the job and the thread is posted exactly once', async () => {
    const drill = await setUp();
    const { holder, survivor } = await drill.midDiagnosis();
    const killedAt = Date.now();
    holder.kill('SIGKILL');
    expect(await holder.exited).toBe('SIGKILL');
    await drill.release();
    await drill.expectThreadOnce(killedAt, 'SIGKILL mid-diagnosis');
    // It was the survivor that noticed the stalled job and ran it again.
    await survivor.waitForLog((l) => /stalled/.test(String(l['msg'])), 5000);
    expect(survivor.child.exitCode).toBeNull();
  }, 120_000);

  it('SIGTERM: exits 0 after its shutdown budget; the cut-off job is finished elsewhere, once', async () => {
    const drill = await setUp();
    const { holder, survivor } = await drill.midDiagnosis();
    const stoppedAt = Date.now();
    holder.kill('SIGTERM');
    // The origin check stays held, so the 2 s budget runs out and the job is given up.
    expect(await holder.exited).toBe(0);
    const exitMs = Date.now() - stoppedAt;
    expect(holder.logs.some((l) => l['msg'] === 'shutting down')).toBe(true);
    await drill.release();
    await drill.expectThreadOnce(stoppedAt, `SIGTERM mid-diagnosis (process exited after ${exitMs} ms)`);
    expect(survivor.child.exitCode).toBeNull();
  }, 120_000);
});
