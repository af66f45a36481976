// The Slack thread for a real diagnosis on loopback (Cloudflare API, edge and origin fakes): the
// origin refuses, the edge shows 521, and the summary and edited root name the right cause.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Diagnoser } from '../../../src/diagnoser.js';
import { LAB_HOST, startLabDiagnoser } from '../../support/lab-diagnoser.js';
import { blocksText, type Harness, startHarness, threadOf } from '../../support/slack-harness.js';
import { commandBody, postSigned } from '../../support/slack-requests.js';

let diagnoser: Diagnoser;
let harness: Harness;
beforeAll(async () => {
  diagnoser = await startLabDiagnoser();
  harness = await startHarness(inject('redisUrl'), { diagnoser });
});
afterAll(async () => {
  await harness?.close();
  await diagnoser?.close();
});

it('threads the real findings and names origin.connection_refused as the primary cause', async () => {
  const { slackApi, serve } = harness;
  const ack = await postSigned(
    serve.url,
    commandBody({ text: LAB_HOST, responseUrl: slackApi.responseUrl('lab') }),
  );
  expect(ack.json?.text).toContain(`Diagnosing ${LAB_HOST}`);
  await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1, 15_000);
  const thread = threadOf(slackApi);
  expect(thread.roots).toHaveLength(1);
  const summary = thread.replies.at(-1)!;
  expect(blocksText(summary)).toContain('Primary cause');
  expect(blocksText(summary)).toContain('origin.connection_refused');
  expect(thread.replies.slice(0, -1).some((r) => blocksText(r).includes('`edge.error`'))).toBe(true);
  expect(thread.updates[0]?.args['text']).toBe(`${LAB_HOST} is failing (origin.connection_refused)`);
});
