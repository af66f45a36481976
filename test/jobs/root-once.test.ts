// A chat command's thread root is posted once when an attempt posts it and its record is lost with
// Redis (the HSET after Slack's answer fails): the retry finds the root by the key it carries (Slack
// message metadata, read back from conversations.history) and answers in that thread instead of
// starting a second one. Real Redis, the real Slack sink against the loopback fake.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, expect, inject, it } from 'vitest';
import { SlackSink } from '../../src/chat/slack/slack-sink.js';
import { ActiveRuns } from '../../src/jobs/active-runs.js';
import { runDiagnosisJob } from '../../src/jobs/run-diagnosis-job.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';

const logger = pino({ level: 'silent' });
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

it('a root whose record was lost is found by the retry, not posted again', async () => {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  const real = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  closers.push(async () => real.disconnect());
  const slackApi = await startFakeSlackApi();
  closers.push(() => slackApi.close());
  const roots = () => slackApi.callsOf('chat.postMessage').filter((c) => c.args['thread_ts'] === undefined);
  // Redis "dies" for the first write after the root is posted: the ledger's record of it.
  let lost = false;
  const redis = new Proxy(real, {
    get(target, name) {
      if (name === 'multi' && !lost && roots().length > 0) {
        lost = true;
        return () => {
          throw new Error('Connection is closed.');
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const sink = new SlackSink({ botToken: 'xoxb-t', apiUrl: slackApi.apiUrl, logger, baseBackoffMs: 5 });
  const deps = {
    redis,
    prefix,
    diagnoser: scriptedDiagnoser(),
    sinks: { slack: sink },
    runs: new ActiveRuns(real, prefix),
    logger,
    defaultTimeoutMs: 2000,
  };
  const data = {
    site: 'shop.example.com',
    input: 'shop.example.com',
    reply: { platform: 'slack', channel: 'C1' },
  };
  const job = (attemptsMade: number) =>
    ({ id: 'job-1', data, attemptsMade, opts: { attempts: 3 } }) as unknown as Job;

  await expect(runDiagnosisJob(job(0), deps)).rejects.toThrow('Connection is closed.');
  expect(lost).toBe(true);
  const result = await runDiagnosisJob(job(1), deps);

  expect(roots()).toHaveLength(1);
  const replies = slackApi.callsOf('chat.postMessage').filter((c) => c.args['thread_ts'] !== undefined);
  expect(replies.length).toBeGreaterThan(0);
  expect(new Set(replies.map((c) => c.args['thread_ts']))).toEqual(new Set([result.thread?.root]));
});
