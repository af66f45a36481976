// Starts `serve` (HTTP front + in-process workers, or the front alone) against real Redis and the
// fake Slack API, with a unique queue prefix; `close()` stops everything and removes the keys.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { SlackSink } from '../../src/chat/slack/slack-sink.js';
import { loadServerConfig, type ServerConfig } from '../../src/config.js';
import type { Diagnoser } from '../../src/diagnoser.js';
import { type ServeHandle, startServe } from '../../src/main.js';
import { type FakeSlackApi, type SlackCall, startFakeSlackApi } from '../fakes/slack-api.js';
import { removePrefix } from './redis-cleanup.js';
import { type RedisTestTarget, redisEnv } from './redis-test-target.js';
import { SIGNING_SECRET } from './slack-requests.js';

export const logger = pino({ level: 'silent' });

export interface Harness {
  slackApi: FakeSlackApi;
  serve: ServeHandle;
  config: ServerConfig;
  prefix: string;
  close(): Promise<void>;
}

/** `redis`: a URL, or a project's target (a Redis Cluster is then configured as users do). */
export function testConfig(
  redis: string | RedisTestTarget,
  slackApiUrl: string,
  prefix: string,
): ServerConfig {
  return loadServerConfig({
    ...redisEnv(typeof redis === 'string' ? { url: redis } : redis, prefix),
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slackApiUrl,
    CHECK502_SHUTDOWN_TIMEOUT: '5',
    LOG_LEVEL: 'silent',
  });
}

export function fastSink(
  apiUrl: string,
  overrides: Partial<ConstructorParameters<typeof SlackSink>[0]> = {},
): SlackSink {
  return new SlackSink({
    botToken: 'xoxb-test-token',
    apiUrl,
    logger,
    ratePerSecond: 50,
    burst: 20,
    baseBackoffMs: 20,
    ...overrides,
  });
}

export async function startHarness(
  redisUrl: string,
  options: {
    diagnoser: Diagnoser;
    worker?: boolean;
    sink?: (apiUrl: string) => SlackSink;
    /** Adjusts the configuration (guarded fixes, allow-lists). */
    configure?: (config: ServerConfig) => ServerConfig;
  },
): Promise<Harness> {
  const slackApi = await startFakeSlackApi();
  const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const base = testConfig(redisUrl, slackApi.apiUrl, prefix);
  const config = options.configure ? options.configure(base) : base;
  const sink = (options.sink ?? fastSink)(slackApi.apiUrl);
  const serve = await startServe({
    config,
    worker: options.worker ?? true,
    logger,
    diagnoser: options.diagnoser,
    sinks: { slack: sink },
  });
  return {
    slackApi,
    serve,
    config,
    prefix,
    async close() {
      await serve.close();
      await slackApi.close();
      await removePrefix(redisUrl, prefix);
    },
  };
}

/** The thread as Slack would show it: root, replies under it, and edits of the root. */
export function threadOf(api: FakeSlackApi) {
  const posts = api.callsOf('chat.postMessage').filter((c) => c.result?.['ok'] === true);
  const roots = posts.filter((c) => c.args['thread_ts'] === undefined);
  const root = roots[0];
  const rootTs = root?.result?.['ts'] as string | undefined;
  const replies = posts.filter((c) => c.args['thread_ts'] !== undefined);
  const updates = api.callsOf('chat.update').filter((c) => c.result?.['ok'] === true);
  return { roots, root, rootTs, replies, updates };
}

export function blocksText(call: SlackCall): string {
  return JSON.stringify(call.args['blocks'] ?? []);
}
