// Slack acknowledgement latency against the real `serve` (HTTP server, Slack routes, BullMQ on a
// throwaway redis-server, in-process workers) and the fake Slack Web API:
//  1. 200 signed /check502 requests, 50 in flight (distinct sites, so every one is validated,
//     claimed and queued; workers run in the same process meanwhile), sent by the shared load client
//     in a process of its own, and the same client against a do-nothing node:http server (the
//     ratio's baseline); five rounds of fresh processes, latencies pooled;
//  2. the floors under that ratio: the same requests to an empty route of a fresh `serve`, i.e. what
//     our HTTP layer alone (socket deadlines, route metrics, secret scrubbing) costs; and to a
//     node:http server that makes each request durable with one BullMQ add before answering, the
//     least an ack that must not lose an accepted command (#17) can do with BullMQ.
// The command's way to the thread is slack-thread.bench.ts.
// BENCH_NO_WORKER=1 runs the measured server without workers (front only); BENCH_PROF=1 writes a
// CPU profile of it to /tmp/prof. Figures are only meaningful on an otherwise idle machine.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { SLACK_EVENTS_PATH } from '../src/chat/slack/slack-routes.js';
import { SlackSink } from '../src/chat/slack/slack-sink.js';
import { signSlackRequest } from '../src/chat/slack/verify-signature.js';
import { json } from '../src/http/route.js';
import { startServe } from '../src/roles/serve.js';
import { type FakeSlackApi, startFakeSlackApi } from '../test/fakes/slack-api.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { scriptedDiagnoser } from '../test/support/scripted-diagnoser.js';
import { testConfig } from '../test/support/slack-harness.js';
import { commandBody, SIGNING_SECRET } from '../test/support/slack-requests.js';
import type { BenchRow } from './run.js';
import { startDoNothing } from './support/do-nothing-server.js';
import { type LoadPlan, type LoadResult, runLoad } from './support/load-client.js';
import { processCpuMs } from './support/process-cpu.js';
import { ratioRows } from './support/ratio-rows.js';

const REQUESTS = 200;
const CONCURRENCY = 50;
const ROUNDS = 5;
const ACK_BODY = '{"response_type":"ephemeral","text":"Diagnosing"}';
const EMPTY_ROUTE = '/bench/empty';

export default async function bench(): Promise<BenchRow[]> {
  const redis = await startRedisServer();
  const slackApi = await startFakeSlackApi();
  try {
    return await ackLatency(redis.url, slackApi);
  } finally {
    await slackApi.close();
    await redis.stop(true);
  }
}

async function ackLatency(redisUrl: string, slackApi: FakeSlackApi): Promise<BenchRow[]> {
  // Rounds of fresh processes, the three kinds interleaved, latencies pooled: one round of 200
  // commands gave ratios from 3.7x to 10x on the same build minutes apart (its p99 is the 2nd
  // slowest answer), so single rounds could not tell one build from another.
  const ack: number[] = [];
  const empty: number[] = [];
  const durable: number[] = [];
  const baseline: number[] = [];
  const ackCpu: number[] = [];
  const emptyCpu: number[] = [];
  const durableCpu: number[] = [];
  const clientCpu: number[] = [];
  let queued = 0;
  let durableQueued = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const measured = await measureServe(redisUrl, slackApi, SLACK_EVENTS_PATH);
    ack.push(...measured.load.latencies);
    queued += measured.load.statuses['200'] ?? 0;
    clientCpu.push(measured.load.clientCpuUs);
    if (measured.cpuPerRequest !== undefined) ackCpu.push(measured.cpuPerRequest);
    // The floor under that ratio: the same server (fresh process, same HTTP layer: socket
    // deadlines, route metrics, secret scrubbing) answering the same signed requests from an empty route.
    const floor = await measureServe(redisUrl, slackApi, EMPTY_ROUTE);
    empty.push(...floor.load.latencies);
    if (floor.cpuPerRequest !== undefined) emptyCpu.push(floor.cpuPerRequest);
    // The durable floor: one BullMQ add per request, then the answer.
    const floorServer = await startDoNothing(200, ACK_BODY, { queueTo: redisUrl });
    try {
      const floorRun = await measureLoad(
        floorServer.pid,
        commands(floorServer.port, slackApi, 'site', SLACK_EVENTS_PATH),
      );
      durable.push(...floorRun.load.latencies);
      durableQueued += floorRun.load.statuses['200'] ?? 0;
      if (floorRun.cpuPerRequest !== undefined) durableCpu.push(floorRun.cpuPerRequest);
    } finally {
      await floorServer.stop();
    }
    // The same client, requests and concurrency against a server that only answers.
    const nothing = await startDoNothing(200, ACK_BODY);
    try {
      baseline.push(
        ...(await runLoad(commands(nothing.port, slackApi, 'site', SLACK_EVENTS_PATH))).latencies,
      );
    } finally {
      await nothing.stop();
    }
  }
  const what = `ack (${REQUESTS} commands, ${CONCURRENCY} in flight, ${ROUNDS} fresh servers)`;
  const baselineName = 'do-nothing node:http, same client';
  return [
    ...ratioRows('slack', what, ack, baselineName, baseline, { p50: 2, p99: 2 }),
    ...cpuRow(
      'server CPU per command (front + in-process workers, measured commands; median)',
      median(ackCpu),
    ),
    ...ratioRows('slack', 'floor: our HTTP server, an empty route', empty, baselineName, baseline),
    ...cpuRow('floor: server CPU per request, an empty route (measured requests; median)', median(emptyCpu)),
    ...ratioRows('slack', 'durable floor: node:http + one BullMQ add', durable, baselineName, baseline),
    ...cpuRow('durable floor: server CPU per request (measured requests; median)', median(durableCpu)),
    ...ratioRows('slack', 'ack against the durable floor', ack, 'the durable floor, same client', durable),
    {
      bench: 'slack',
      metric: 'load client CPU per command (its own process; median)',
      value: median(clientCpu) ?? 0,
      unit: 'µs',
      target: '',
    },
    answeredRow('commands answered 200', queued),
    answeredRow('durable floor: requests answered 200', durableQueued),
  ];
}

/** Every measured request of every round must have been answered 200. */
function answeredRow(metric: string, count: number): BenchRow {
  const all = REQUESTS * ROUNDS;
  return { bench: 'slack', metric, value: count, unit: 'count', target: `= ${all}`, pass: count === all };
}

function median(values: number[]): number | undefined {
  return values.length === 0 ? undefined : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function cpuRow(metric: string, value: number | undefined): BenchRow[] {
  return value === undefined ? [] : [{ bench: 'slack', metric, value, unit: 'µs', target: '' }];
}

/**
 * `serve` in a process of its own, as `check502 serve` would run, loaded by the load client in
 * another (bench/support/load-client.ts): neither measures the other's CPU.
 */
async function measureServe(
  redisUrl: string,
  slackApi: FakeSlackApi,
  path: string,
): Promise<{ load: LoadResult; cpuPerRequest?: number }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env['BENCH_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
    ],
    {
      env: {
        ...process.env,
        BENCH_SLACK_CHILD: '1',
        BENCH_REDIS_URL: redisUrl,
        BENCH_SLACK_API: slackApi.apiUrl,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const port = Number(new URL(line.trim()).port);
    return await measureLoad(child.pid!, commands(port, slackApi, 'site', path));
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Runs `plan` and reads the server process's CPU over its measured requests only. */
async function measureLoad(
  pid: number,
  plan: LoadPlan,
): Promise<{ load: LoadResult; cpuPerRequest?: number }> {
  let serverCpuBefore: number | undefined;
  const load = await runLoad(plan, () => {
    serverCpuBefore = processCpuMs(pid);
  });
  const serverCpuAfter = processCpuMs(pid);
  if (serverCpuBefore === undefined || serverCpuAfter === undefined) return { load };
  return { load, cpuPerRequest: ((serverCpuAfter - serverCpuBefore) * 1000) / REQUESTS };
}

/** Signed slash commands for distinct sites (each one validated, claimed and queued), serialised. */
function commands(port: number, slackApi: FakeSlackApi, prefix: string, path: string): LoadPlan {
  const request = (text: string, i: number) => {
    const body = commandBody({ text, channel: `C${i % 20}`, responseUrl: slackApi.responseUrl(`r${i}`) });
    const headers = signSlackRequest(SIGNING_SECRET, body);
    return (
      `POST ${path} HTTP/1.1\r\nhost: {host}\r\n` +
      'content-type: application/x-www-form-urlencoded\r\n' +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  };
  const run = randomUUID().slice(0, 6);
  return {
    port,
    connections: CONCURRENCY,
    warmUp: Array.from({ length: CONCURRENCY }, (_, i) => request(`warm-${run}-${i}.example.com`, i)),
    requests: Array.from({ length: REQUESTS }, (_, i) => request(`${prefix}-${run}-${i}.example.com`, i)),
  };
}

/** Child mode: `serve` with in-process workers (scripted diagnoser) until SIGTERM. */
async function serveChild(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const apiUrl = process.env['BENCH_SLACK_API']!;
  const config = testConfig(process.env['BENCH_REDIS_URL']!, apiUrl, `b${randomUUID().slice(0, 8)}`);
  const sink = new SlackSink({ botToken: 'xoxb-bench', apiUrl, logger });
  const serve = await startServe({
    config,
    worker: process.env['BENCH_NO_WORKER'] !== '1',
    logger,
    diagnoser: scriptedDiagnoser(),
    sinks: { slack: sink },
    extraRoutes: [
      { method: 'POST', path: EMPTY_ROUTE, handle: async () => json(200, JSON.parse(ACK_BODY) as object) },
    ],
  });
  process.stdout.write(`${serve.url}\n`);
  process.once('SIGTERM', () => {
    void serve.close(2000).finally(() => process.exit(0));
  });
}

if (process.env['BENCH_SLACK_CHILD'] === '1') await serveChild();
