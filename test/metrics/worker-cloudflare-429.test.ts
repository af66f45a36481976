// `check502 worker` built from configuration alone (its own diagnoser, the real SDK against the fake
// Cloudflare API, DNS from a loopback resolver): a 429 from the API shows in the worker's /metrics.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadServerConfig } from '../../src/config.js';
import { createDiagnosisProducer } from '../../src/jobs/diagnosis-producer.js';
import { startWorker } from '../../src/roles/worker.js';
import { FAKE_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { startDnsServer } from '../fakes/dns-server.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';
import { aRecordZone, HOST } from '../support/cloudflare-scenarios.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { fastSink, logger, threadOf } from '../support/slack-harness.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';
import { sample } from './support/sample.js';

const redisUrl = inject('redisUrl');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

describe('worker metrics: Cloudflare API rate limits', () => {
  it('counts a 429 from the Cloudflare API in check502_cloudflare_api_rate_limited_total', async () => {
    const [slackApi, cloudflareApi, dns] = await Promise.all([
      startFakeSlackApi(),
      startFakeCloudflareApi(aRecordZone()),
      startDnsServer({ [HOST]: { A: ['127.0.0.1'] } }),
    ]);
    // Retry-After longer than the reader's budget: one 429, no retry, the check reports the failure.
    cloudflareApi.scenario.faults.push({
      match: /^GET \/zones$/,
      status: 429,
      headers: { 'retry-after': '60' },
    });
    const prefix = `wcf${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const config = loadServerConfig({
      REDIS_URL: redisUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slackApi.apiUrl,
      CLOUDFLARE_API_TOKEN: FAKE_TOKEN,
      CLOUDFLARE_BASE_URL: cloudflareApi.baseUrl,
      CHECK502_DNS_SERVERS: `127.0.0.1:${dns.port}`,
      CHECK502_ALLOW_PRIVATE_NETS: '127.0.0.0/8',
      CHECK502_QUEUE_PREFIX: prefix,
      CHECK502_SHUTDOWN_TIMEOUT: '5',
      LOG_LEVEL: 'silent',
    });
    const worker = await startWorker({
      config,
      logger,
      sinks: { slack: fastSink(slackApi.apiUrl) },
      ops: { port: 0, host: '127.0.0.1' },
    });
    const producer = createDiagnosisProducer({ redisUrl, prefix });
    cleanups.push(
      () => slackApi.close(),
      () => cloudflareApi.close(),
      () => dns.close(),
      () => removePrefix(redisUrl, prefix),
      () => worker.close(2000),
      () => producer.close(),
    );
    expect(await producer.ready(5000)).toBe(true);
    const metricsUrl = `http://127.0.0.1:${worker.ops?.port}/metrics`;
    const scrape = async () => (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
    expect(sample(await scrape(), 'check502_cloudflare_api_rate_limited_total')).toBe(0);

    await producer.request({ site: HOST, input: HOST, reply: { platform: 'slack', channel: 'C0CF429' } });
    await slackApi.waitFor(() => threadOf(slackApi).updates.length === 1, 25_000);

    // Every zone lookup was answered 429; each answer is counted once.
    const limited = cloudflareApi.calls.filter((c) => c.path === '/zones').length;
    expect(limited).toBeGreaterThanOrEqual(1);
    expect(sample(await scrape(), 'check502_cloudflare_api_rate_limited_total')).toBe(limited);
  }, 40_000);
});
