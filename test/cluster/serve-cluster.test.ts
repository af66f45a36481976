// `check502 serve --no-worker` and `check502 worker` configured for a Redis Cluster the documented
// way (REDIS_URL for credentials, REDIS_CLUSTER_NODES for the seeds, a hash-tagged prefix), on a real
// three-master cluster: a slash command is queued, run and threaded once (the queue, the active-run
// join, the post ledger); alerts open one incident thread per site with its diagnosis (the incident
// store and its Lua scripts); three sites at once make one storm message (the storm script). Every
// key lands in the prefix's one slot, on one master.
import { randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig, type ServerConfig } from '../../src/config.js';
import { type ServeHandle, startServe } from '../../src/roles/serve.js';
import { startWorker, type WorkerHandle } from '../../src/roles/worker.js';
import { type FakeSlackApi, type SlackCall, startFakeSlackApi } from '../fakes/slack-api.js';
import { httpCall } from '../faults/support/check502-process.js';
import { canStartCluster, type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.js';
import { scriptedDiagnoser } from '../support/scripted-diagnoser.js';
import { fastSink, logger } from '../support/slack-harness.js';
import { commandBody, postSigned, SIGNING_SECRET } from '../support/slack-requests.js';

const describeCluster = canStartCluster() ? describe : describe.skip;
const SECRET = 'cluster-webhook-secret-0123456789';
const ALERTS = 'C0ALERTS';

describeCluster('serve and worker on a three-master Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let slackApi: FakeSlackApi;
  let serve: ServeHandle;
  let worker: WorkerHandle;
  let inspect: Cluster;
  const prefix = `{c502-${randomUUID().slice(0, 8)}}`;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    inspect = cluster.client();
    slackApi = await startFakeSlackApi();
    const seeds = cluster.urls.map((u) => new URL(u).host);
    const config: ServerConfig = loadServerConfig({
      REDIS_URL: cluster.urls[0],
      REDIS_CLUSTER_NODES: seeds.join(','),
      CHECK502_QUEUE_PREFIX: prefix,
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
  }, 90_000);

  afterAll(async () => {
    await serve?.close(5000);
    await worker?.close(5000);
    await slackApi?.close();
    inspect?.disconnect();
    await cluster?.stop();
  }, 60_000);

  const posts = () => slackApi.callsOf('chat.postMessage').filter((c) => c.result?.['ok'] === true);
  const topLevel = (channel: string) =>
    posts().filter((c) => c.args['channel'] === channel && c.args['thread_ts'] === undefined);
  const under = (root: SlackCall | undefined) =>
    posts().filter((c) => root && c.args['thread_ts'] === root.result?.['ts']);

  it('is ready: /readyz sees the cluster', async () => {
    const ready = await httpCall(`${serve.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('a slash command is queued, diagnosed by the worker and threaded once', async () => {
    const answer = await postSigned(
      serve.url,
      commandBody({ text: 'shop.example.com', channel: 'C0OPS', responseUrl: slackApi.responseUrl('c') }),
    );
    expect(answer.status).toBe(200);
    await slackApi.waitFor(() => under(topLevel('C0OPS')[0]).length > 0, 30_000);
    expect(topLevel('C0OPS')).toHaveLength(1);
  }, 60_000);

  it('alerts for three sites: one storm message, one thread per site with its diagnosis', async () => {
    const sites = ['a.example.com', 'b.example.com', 'c.example.com'];
    for (const site of sites) {
      const body = JSON.stringify({
        site,
        status: 'firing',
        summary: `${site} returns 502`,
        fingerprint: site,
      });
      const response = await httpCall(`${serve.url}/webhooks/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body,
      });
      expect(response.status).toBe(202);
    }
    const rootOf = (site: string) =>
      topLevel(ALERTS).filter(
        (c) =>
          (c.args['metadata'] as { event_type?: string } | undefined)?.event_type === 'check502_root' &&
          !String(c.args['text']).includes('Alert storm') &&
          String(c.args['text']).includes(`${site}…`),
      );
    await slackApi.waitFor(() => sites.every((s) => under(rootOf(s)[0]).length > 0), 45_000);
    for (const site of sites) expect(rootOf(site)).toHaveLength(1);
    // The storm message carries a root key too (so a retried post finds it): tell it by its words.
    const storms = topLevel(ALERTS).filter((c) => String(c.args['text']).includes('Alert storm'));
    expect(storms).toHaveLength(1);
    expect(String(storms[0]?.args['text'])).toMatch(/3 sites/);
  }, 90_000);

  it('keeps every key of the deployment in one slot, on one master', async () => {
    const perMaster = await Promise.all(
      inspect.nodes('master').map(async (node) => (await node.keys(`${prefix}*`)).length),
    );
    expect(perMaster.filter((n) => n > 0)).toHaveLength(1);
    expect(perMaster.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
  });
});
