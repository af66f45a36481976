// Alert storm against check502 as docker-compose deploys it: the built CLI's `serve --no-worker` front
// in its own process and a `check502 worker` process beside it, a throwaway Redis, the Slack fake, and
// a DNS fake that answers NXDOMAIN (so each incident's diagnosis ends quickly). 100 keep-alive senders
// post 5,000 Alertmanager alerts for 20 sites; the storm must become exactly 20 incidents and 20 root
// messages with every alert counted. Measured: ingest latency as the senders see it, the front's CPU
// per alert, and each process's peak resident memory (VmHWM: the high-water mark over its whole life).
//
// The senders are the shared load client (bench/support/load-client.ts) in a process of their own:
// raw HTTP/1.1 sockets, every request built before the clock starts (a general-purpose client cost
// as much CPU as the server and, on two cores, became what the latency measured). The same client,
// alerts and concurrency against a do-nothing node:http server give the ratio's baseline. Before the storm the same connections send 5,000 resolves for sites that
// never fired (they open nothing): the storm meets a front that has answered as many requests as a day
// of health checks and metric scrapes sends it, not one started a second ago. V8 is still compiling
// a fresh process's hot paths well past its first thousand requests (after 1,000, a third of the
// front's CPU during the storm went to compiling on V8's background threads, and p99 was 42-57 ms on
// this 2-core machine). A fresh process is measured too: the warm-up's first 1,000 requests give
// "cold p99".
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createIncidentStore } from '../src/incidents/incident-store.js';
import { startDnsServer } from '../test/fakes/dns-server.js';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { startRedisServer } from '../test/support/redis-server.js';
import type { BenchRow } from './run.js';
import { startRole, stopRole } from './support/cli-role.js';
import { startDoNothing } from './support/do-nothing-server.js';
import { type LoadResult, quantile, runLoad } from './support/load-client.js';
import { processCpuMs } from './support/process-cpu.js';
import { ratioRows } from './support/ratio-rows.js';

const ALERTS = 5000;
const SITES = 20;
const SENDERS = 100;
const WARM_UP = 5000;
const COLD = 1000;
const SECRET = 'bench-webhook-secret-0123456789';
const CHANNEL = 'C0BENCHALERTS';
const PREFIX = 'bench';

export default async function bench(): Promise<BenchRow[]> {
  const redisServer = await startRedisServer();
  const slackApi = await startFakeSlackApi();
  const dns = await startDnsServer();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  const env = roleEnv(redisServer.url, slackApi.apiUrl, `127.0.0.1:${dns.port}`);
  const children: ChildProcess[] = [];
  try {
    const front = await startRole(['serve', '--no-worker'], env, 'check502 serve started');
    children.push(front.child);
    const worker = await startRole(['worker'], env, 'check502 worker started');
    children.push(worker.child);
    const pid = front.child.pid!;
    const port = front.started.port!;
    // The senders run in a process of their own (bench/support/load-client.ts); the warm-up's
    // first answers are the fresh front's cold start.
    const warmUp = await runLoad({
      port,
      connections: SENDERS,
      warmUp: [],
      requests: deliveries(WARM_UP, 'resolved', 'warm-up'),
      cold: COLD,
    });
    const cpuBefore = processCpuMs(pid) ?? Number.NaN;
    const redisCpuBefore = await redisCpuMs(redis);
    const stealBefore = machineTicks();
    const stormRequests = deliveries(ALERTS, 'firing', 'site');
    const run = await runLoad({ port, connections: SENDERS, warmUp: [], requests: stormRequests });
    const cpuMs = (processCpuMs(pid) ?? Number.NaN) - cpuBefore;
    const redisMs = (await redisCpuMs(redis)) - redisCpuBefore;
    const steal = machineTicks().share(stealBefore);
    const failures = ALERTS - (run.statuses['202'] ?? 0);
    // The same client, alerts and concurrency against a server that only answers 202.
    const nothing = await startDoNothing(202, '{"accepted":1,"ignored":0,"incidents":["inc"]}');
    let baseline: LoadResult;
    try {
      baseline = await runLoad({
        port: nothing.port,
        connections: SENDERS,
        warmUp: deliveries(WARM_UP, 'resolved', 'warm-up'),
        requests: stormRequests,
      });
    } finally {
      await nothing.stop();
    }

    // The roots go out at Slack's pace for one channel (about one message a second).
    const roots = () =>
      slackApi
        .callsOf('chat.postMessage')
        .filter((c) => c.args['channel'] === CHANNEL && c.args['thread_ts'] === undefined)
        // 20 sites failing together also get one storm message (src/incidents/storm-worker.ts): not a root.
        .filter((c) => !String(c.args['text']).includes('Alert storm'));
    await slackApi.waitFor(() => roots().length >= SITES, 90_000).catch(() => {});
    await new Promise((r) => setTimeout(r, 1500)); // a 21st root would show up by now

    const store = createIncidentStore({ redis, prefix: PREFIX, editIntervalMs: 2000 });
    let incidents = 0;
    let counted = 0;
    for (let s = 0; s < SITES; s++) {
      const id = await store.currentOf(`site-${s}.example.com`);
      const record = id ? await store.get(id) : undefined;
      if (record) {
        incidents++;
        counted += record.alerts;
      }
    }
    const warmUpSites = (await redis.keys(`${PREFIX}:incident-state:inc:warm-up-*`)).length;
    const frontRssMb = peakRss(pid);
    const workerRssMb = peakRss(worker.child.pid!);
    const name = 'incidents';
    return [
      {
        bench: name,
        metric: 'incidents opened',
        value: incidents,
        unit: 'count',
        target: `= ${SITES}`,
        pass: incidents === SITES && warmUpSites === 0,
      },
      {
        bench: name,
        metric: 'root messages',
        value: roots().length,
        unit: 'count',
        target: `= ${SITES}`,
        pass: roots().length === SITES,
      },
      {
        bench: name,
        metric: 'alerts counted',
        value: counted,
        unit: 'count',
        target: `= ${ALERTS}`,
        pass: counted === ALERTS && failures === 0,
      },
      {
        bench: name,
        metric: 'root edits',
        value: slackApi.callsOf('chat.update').length,
        unit: 'count',
        target: '',
      },
      ...ratioRows(
        name,
        `ingest (${ALERTS} alerts, ${SENDERS} senders)`,
        run.latencies,
        'do-nothing node:http, same client',
        baseline.latencies,
      ),
      { bench: name, metric: 'ingest max', value: quantile(run.latencies, 1), unit: 'ms', target: '' },
      { bench: name, metric: 'ingest rate', value: ALERTS / run.seconds, unit: 'alerts/s', target: '' },
      {
        bench: name,
        metric: 'load client CPU per alert (its own process)',
        value: run.clientCpuUs,
        unit: 'µs',
        target: '',
      },
      { bench: name, metric: 'server CPU per alert', value: (cpuMs * 1000) / ALERTS, unit: 'µs', target: '' },
      {
        bench: name,
        metric: 'Redis CPU per alert (all its clients)',
        value: (redisMs * 1000) / ALERTS,
        unit: 'µs',
        target: '',
      },
      {
        bench: name,
        metric: 'cold p99 (first 1,000)',
        value: quantile(warmUp.coldLatencies, 0.99),
        unit: 'ms',
        target: '',
      },
      { bench: name, metric: 'CPU stolen by host', value: steal, unit: '%', target: '' },
      {
        bench: name,
        metric: 'peak resident memory, front',
        value: frontRssMb,
        unit: 'MB',
        target: '< 250',
        pass: frontRssMb < 250,
      },
      {
        bench: name,
        metric: 'peak resident memory, worker',
        value: workerRssMb,
        unit: 'MB',
        target: '< 250',
        pass: workerRssMb < 250,
      },
    ];
  } finally {
    await Promise.all(children.map(stopRole));
    redis.disconnect();
    await slackApi.close();
    await dns.close();
    await redisServer.stop();
  }
}

function roleEnv(redisUrl: string, slackApiUrl: string, dnsServer: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    REDIS_URL: redisUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    CHECK502_WEBHOOK_SECRET: SECRET,
    CHECK502_QUEUE_PREFIX: PREFIX,
    CHECK502_DNS_SERVERS: dnsServer,
    CHECK502_SHUTDOWN_TIMEOUT: '5',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: slackApiUrl,
    ALERT_SLACK_CHANNEL: CHANNEL,
    LOG_LEVEL: 'info',
  };
}

/** Every request of a phase, serialised up front: Alertmanager webhook v4, one alert each. */
function deliveries(count: number, status: 'firing' | 'resolved', sitePrefix: string): string[] {
  return Array.from({ length: count }, (_, n) => {
    const site = `${sitePrefix}-${n % SITES}.example.com`;
    const body = JSON.stringify({
      version: '4',
      status,
      alerts: [
        {
          status,
          labels: { alertname: 'Http502', instance: `https://${site}/` },
          annotations: { summary: `${site} answers 502` },
          startsAt: new Date(1_772_456_000_000 + n * 1000).toISOString(),
          fingerprint: `${sitePrefix}${n.toString(16).padStart(8, '0')}`,
        },
      ],
    });
    return (
      'POST /webhooks/alertmanager HTTP/1.1\r\nhost: {host}\r\n' +
      `authorization: Bearer ${SECRET}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  });
}

function peakRss(pid: number): number {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** Redis's own user + system CPU so far (INFO cpu), in ms: the ingest script runs there. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const seconds = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
}

/** The machine's CPU ticks: `share(before)` is the percentage of them stolen by the host since. */
function machineTicks(): {
  total: number;
  steal: number;
  share(before: { total: number; steal: number }): number;
} {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const steal = ticks[7] ?? 0;
  return {
    total,
    steal,
    share: (before) => (total > before.total ? ((steal - before.steal) * 100) / (total - before.total) : 0),
  };
}
