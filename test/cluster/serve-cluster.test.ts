// `check502 serve --no-worker` and `check502 worker` as separate roles on the cluster project's Redis
// Cluster, configured the documented way (REDIS_URL, REDIS_CLUSTER_NODES, a hash-tagged prefix): a
// slash command queued by the front is run by the worker and threaded once; an alert opens one
// incident thread with its diagnosis. Then every key of the deployment sits in the prefix's one
// slot, on one master. (The e2e files run the flows themselves on the cluster, in one process.)
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadServerConfig, type ServerConfig } from '../../src/config.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { startWorker, type WorkerHandle } from '../../src/roles/worker.js';
import { type FakeSlackApi, type SlackCall, startFakeSlackApi } from '../fakes/slack-api.js';
import { httpCall } from '../faults/support/check502-process.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { readyInspectionClient, redisEnv, uniquePrefix } from '../support/redis-test-target.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger } from '../support/slack-harness.js';
import { commandBody, postSigned, SIGNING_SECRET } from '../support/slack-requests.js';

const redis = inject('redisTarget');
const SECRET = 'cluster-webhook-secret-0123456789';
const ALERTS = 'C0ALERTS';

describe('serve and worker as separate roles on a three-master Redis Cluster', () => {
  let slackApi: FakeSlackApi;
  let serve: ServeHandle;
  let worker: WorkerHandle;
  const prefix = uniquePrefix(redis, 'c502');

  beforeAll(async () => {
    slackApi = await startFakeSlackApi();
    const config: ServerConfig = loadServerConfig({
      ...redisEnv(redis, prefix),
      PORT: '0',
      HOST: '127.0.0.1',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slackApi.apiUrl,
      CHECK502_WEBHOOK_SECRET: SECRET,
      ALERT_SLACK_CHANNEL: ALERTS,
      CHECK502_SHUTDOWN_TIMEOUT: '5',
      LOG_LEVEL: 'silent',
    });
    expect(config.redisCluster).toHaveLength(3);
    const overrides = {
      logger,
      diagnoser: scriptedDiagnoser(),
      sinks: { slack: fastSink(slackApi.apiUrl) },
    };
    serve = await startServe({ config, worker: false, ...overrides });
    worker = await startWorker({ config, ...overrides });
  }, 60_000);

  afterAll(async () => {
    await serve?.close(5000);
    await worker?.close(5000);
    await slackApi?.close();
    await removePrefix(redis, prefix);
  }, 60_000);

  const posts = () => slackApi.callsOf('chat.postMessage').filter((c) => c.result?.['ok'] === true);
  const topLevel = (channel: string) =>
    posts().filter((c) => c.args['channel'] === channel && c.args['thread_ts'] === undefined);
  const under = (root: SlackCall | undefined) =>
    posts().filter((c) => root && c.args['thread_ts'] === root.result?.['ts']);

  it('is ready: /readyz sees the cluster', async () => {
    // The cluster client opens a master's connection on first use: on a loaded machine the very
    // first PING may miss the probe's 500 ms, as a probe's next call would not.
    let ready = await httpCall(`${serve.url}/readyz`);
    for (let i = 0; i < 20 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      ready = await httpCall(`${serve.url}/readyz`);
    }
    expect(ready.status, ready.text).toBe(200);
  });

  it('a slash command is queued by the front, diagnosed by the worker and threaded once', async () => {
    const answer = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', channel: 'C0OPS', responseUrl: slackApi.responseUrl('c') }),
    );
    expect(answer.status).toBe(200);
    await slackApi.waitFor(() => under(topLevel('C0OPS')[0]).length > 0, 30_000);
    expect(topLevel('C0OPS')).toHaveLength(1);
  }, 60_000);

  it("an alert opens one incident thread, with the worker's diagnosis under it", async () => {
    const response = await httpCall(`${serve.url}/webhooks/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      body: JSON.stringify({ site: 'a.example.com', status: 'firing', summary: 'a.example.com returns 502' }),
    });
    expect(response.status).toBe(202);
    await slackApi.waitFor(() => under(topLevel(ALERTS)[0]).length > 0, 45_000);
    expect(topLevel(ALERTS)).toHaveLength(1);
  }, 60_000);

  it('keeps every key of the deployment in one slot, on one master', async () => {
    const inspect = (await readyInspectionClient(redis)) as unknown as Cluster;
    try {
      const perMaster = await Promise.all(
        inspect.nodes('master').map(async (node) => (await node.keys(`${prefix}*`)).length),
      );
      expect(perMaster).toHaveLength(3);
      expect(perMaster.filter((n) => n > 0)).toHaveLength(1);
      expect(perMaster.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    } finally {
      inspect.disconnect();
    }
  });
});
