// The set-up of the worker-kill drills: a front (serve without workers) and two `check502 worker`
// child processes on one Redis prefix and one fake Slack, the workers' origin check gated by a Redis
// key so a drill can stop a worker mid-diagnosis. Clean-ups are handed to the caller's list.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { type ServeHandle, startServe } from '../../../src/roles/serve.js';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.js';
import { removePrefix } from '../../support/redis-cleanup.js';
import { fastSink, logger, testConfig } from '../../support/slack-harness.js';
import { SIGNING_SECRET } from '../../support/slack-requests.js';
import { type Check502Process, startTsChild } from './check502-process.js';

const WORKER = resolve(import.meta.dirname, 'worker-child.ts');

export interface WorkerPair {
  prefix: string;
  /** Set by the worker holding the gated origin check (its pid); `<gateKey>:release` lets it go on. */
  gateKey: string;
  slackApi: FakeSlackApi;
  redis: Redis;
  front: ServeHandle;
  workers: Check502Process[];
}

/** Starts the front and two ready workers; `env` adds to the workers' environment. */
export async function startWorkerPair(
  redisUrl: string,
  cleanups: Array<() => Promise<unknown>>,
  options: { prefixTag: string; env?: (prefix: string) => Record<string, string> },
): Promise<WorkerPair> {
  const prefix = `${options.prefixTag}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const gateKey = `${prefix}:fault:gate`;
  const slackApi = await startFakeSlackApi();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const front = await startServe({
    config: testConfig(redisUrl, slackApi.apiUrl, prefix),
    worker: false,
    logger,
    sinks: { slack: fastSink(slackApi.apiUrl) },
  });
  const env = {
    REDIS_URL: redisUrl,
    CHECK502_QUEUE_PREFIX: prefix,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slackApi.apiUrl,
    CHECK502_SHUTDOWN_TIMEOUT: '2',
    FAULT_GATE_KEY: gateKey,
    ...options.env?.(prefix),
  };
  const workers = [startTsChild(WORKER, env), startTsChild(WORKER, env)];
  cleanups.push(
    () => redis.quit(),
    () => removePrefix(redisUrl, prefix),
    () => slackApi.close(),
    () => front.close(),
    () => Promise.all(workers.map((w) => w.stop(5000))),
  );
  // A tsx child compiles the worker on start: over 30 s was seen on a loaded 2-core machine.
  await Promise.all(workers.map((w) => w.waitForLog((l) => l['msg'] === 'fault worker ready', 60_000)));
  return { prefix, gateKey, slackApi, redis, front, workers };
}
