// Slack front and thread latency against the real `serve` (HTTP server, Bolt, BullMQ on a
// throwaway redis-server, in-process workers) and the fake Slack Web API:
//  1. acknowledgement latency of 200 signed /check502 requests, 50 in flight (distinct sites, so
//     every one is validated, claimed and queued; workers run in the same process meanwhile);
//  2. time from the command to the first threaded finding and to the summary, with the lab
//     (Cloudflare API fake, fake edge, origin lab) behind a real diagnosis and Slack's default
//     per-channel pacing.
// BENCH_NO_WORKER=1 runs the measured server without workers (front only); BENCH_PROF=1 writes a
// CPU profile of it to /tmp/prof. Figures are only meaningful on an otherwise idle machine.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Logger, pino } from 'pino';
import { Pool } from 'undici';
import { SlackSink } from '../src/chat/slack/slack-sink.js';
import { signSlackRequest } from '../src/chat/slack/verify-signature.js';
import { startServe } from '../src/roles/serve.js';
import { type FakeSlackApi, startFakeSlackApi } from '../test/fakes/slack-api.js';
import { LAB_HOST, startLabDiagnoser } from '../test/support/lab-diagnoser.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { scriptedDiagnoser } from '../test/support/scripted-diagnoser.js';
import { testConfig } from '../test/support/slack-harness.js';
import { commandBody, postSigned, SIGNING_SECRET } from '../test/support/slack-requests.js';
import type { BenchRow } from './run.js';

const REQUESTS = 200;
const CONCURRENCY = 50;
const RUNS = 5;

export default async function bench(): Promise<BenchRow[]> {
  const redis = await startRedisServer();
  const slackApi = await startFakeSlackApi();
  const logger = pino({ level: 'silent' });
  const rows: BenchRow[] = [];
  try {
    rows.push(...(await ackLatency(redis.url, slackApi, logger)));
    rows.push(...(await threadLatency(redis.url, logger)));
  } finally {
    await slackApi.close();
    await redis.stop(true);
  }
  return rows;
}

async function ackLatency(redisUrl: string, slackApi: FakeSlackApi, logger: Logger): Promise<BenchRow[]> {
  void logger;
  // The server runs in its own process, as `check502 serve` would, so the load generator's CPU is
  // not counted as server latency.
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
  const latencies: number[] = [];
  let queued = 0;
  let serverCpuPerCommand: number | undefined;
  let clientCpuPerCommand = 0;
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const url = line.trim();
    const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });
    const send = async (text: string, i: number) => {
      const body = commandBody({ text, channel: `C${i % 20}`, responseUrl: slackApi.responseUrl(`r${i}`) });
      const response = await pool.request({
        method: 'POST',
        path: '/slack/events',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...signSlackRequest(SIGNING_SECRET, body),
        },
        body,
        headersTimeout: 10_000,
      });
      const answer = (await response.body.json()) as { text?: string };
      return response.statusCode === 200 && (answer.text ?? '').startsWith('Diagnosing');
    };
    // Warm-up: connections, Bolt, BullMQ scripts.
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => send(`warm-${i}.example.com`, i)));
    let next = 0;
    const serverCpuBefore = processCpuMs(child.pid);
    const clientCpuBefore = process.cpuUsage();
    const sender = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const started = performance.now();
        const ok = await send(`site-${i}.example.com`, i);
        latencies.push(performance.now() - started);
        if (ok) queued++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    const serverCpuAfter = processCpuMs(child.pid);
    if (serverCpuBefore !== undefined && serverCpuAfter !== undefined)
      serverCpuPerCommand = ((serverCpuAfter - serverCpuBefore) * 1000) / REQUESTS;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    clientCpuPerCommand = (clientCpu.user + clientCpu.system) / REQUESTS;
    await pool.close();
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  latencies.sort((a, b) => a - b);
  const baseline = await baselineLatency(slackApi);
  const quantile = (values: number[], q: number) =>
    values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
  const p = (q: number) => quantile(latencies, q);
  const ratio = (q: number) => p(q) / Math.max(0.001, quantile(baseline, q));
  return [
    {
      bench: 'slack',
      metric: 'do-nothing node:http baseline p50 (same client)',
      value: quantile(baseline, 0.5),
      unit: 'ms',
      target: '',
    },
    {
      bench: 'slack',
      metric: 'do-nothing node:http baseline p99 (same client)',
      value: quantile(baseline, 0.99),
      unit: 'ms',
      target: '',
    },
    {
      bench: 'slack',
      metric: 'ack p50 / baseline p50',
      value: ratio(0.5),
      unit: 'x',
      target: '<= 2',
      pass: ratio(0.5) <= 2,
    },
    {
      bench: 'slack',
      metric: 'ack p99 / baseline p99',
      value: ratio(0.99),
      unit: 'x',
      target: '<= 2',
      pass: ratio(0.99) <= 2,
    },
    {
      bench: 'slack',
      metric: `ack p50 (${REQUESTS} req, ${CONCURRENCY} concurrent)`,
      value: p(0.5),
      unit: 'ms',
      target: '',
    },
    { bench: 'slack', metric: 'ack p99', value: p(0.99), unit: 'ms', target: '< 100', pass: p(0.99) < 100 },
    ...(serverCpuPerCommand === undefined
      ? []
      : [
          {
            bench: 'slack',
            metric: 'server CPU per command (front + in-process workers)',
            value: serverCpuPerCommand,
            unit: 'µs',
            target: '',
          },
        ]),
    {
      bench: 'slack',
      metric: 'bench process CPU per command (client + fake Slack API)',
      value: clientCpuPerCommand,
      unit: 'µs',
      target: '',
    },
    {
      bench: 'slack',
      metric: 'commands queued',
      value: queued,
      unit: 'count',
      target: `= ${REQUESTS}`,
      pass: queued === REQUESTS,
    },
  ];
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
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
  });
  process.stdout.write(`${serve.url}\n`);
  process.once('SIGTERM', () => {
    void serve.close(2000).finally(() => process.exit(0));
  });
}

if (process.env['BENCH_SLACK_CHILD'] === '1') await serveChild();
if (process.env['BENCH_SLACK_CHILD'] === 'baseline') await baselineChild();

/** Child mode: a do-nothing node:http server answering what the front answers (the ratio's baseline). */
async function baselineChild(): Promise<void> {
  const { createServer } = await import('node:http');
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"response_type":"ephemeral","text":"Diagnosing"}');
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`http://127.0.0.1:${address.port}\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

/** The same client, the same concurrency and request count, against the do-nothing server. */
async function baselineLatency(slackApi: FakeSlackApi): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_SLACK_CHILD: 'baseline' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const latencies: number[] = [];
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const pool = new Pool(line.trim(), { connections: CONCURRENCY, pipelining: 1 });
    const send = async (text: string, i: number) => {
      const body = commandBody({ text, channel: `C${i % 20}`, responseUrl: slackApi.responseUrl(`r${i}`) });
      const response = await pool.request({
        method: 'POST',
        path: '/slack/events',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...signSlackRequest(SIGNING_SECRET, body),
        },
        body,
        headersTimeout: 10_000,
      });
      await response.body.json();
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => send(`warm-${i}.example.com`, i)));
    let next = 0;
    const sender = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const started = performance.now();
        await send(`site-${i}.example.com`, i);
        latencies.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    await pool.close();
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return latencies.sort((a, b) => a - b);
}

async function threadLatency(redisUrl: string, logger: Logger): Promise<BenchRow[]> {
  const slackApi = await startFakeSlackApi();
  const diagnoser = await startLabDiagnoser();
  const config = testConfig(redisUrl, slackApi.apiUrl, `b${randomUUID().slice(0, 8)}`);
  // Default pacing (1 msg/s per channel, bursts of 3), as in production.
  const sink = new SlackSink({ botToken: 'xoxb-bench', apiUrl: slackApi.apiUrl, logger });
  const serve = await startServe({ config, worker: true, logger, diagnoser, sinks: { slack: sink } });
  const first: number[] = [];
  const summary: number[] = [];
  let rightCause = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const channel = `CLAB${run}`;
      const started = Date.now();
      const t0 = performance.now();
      await postSigned(
        serve.url,
        commandBody({ text: LAB_HOST, channel, responseUrl: slackApi.responseUrl(`lab${run}`) }),
      );
      const inChannel = () =>
        slackApi.callsOf('chat.postMessage').filter((c) => c.args['channel'] === channel && c.at >= started);
      await slackApi.waitFor(() => inChannel().some((c) => c.args['thread_ts'] !== undefined), 10_000);
      first.push(performance.now() - t0);
      await slackApi.waitFor(
        () => inChannel().some((c) => JSON.stringify(c.args['blocks']).includes('check502_rerun')),
        30_000,
      );
      summary.push(performance.now() - t0);
      const done = inChannel().find((c) => JSON.stringify(c.args['blocks']).includes('check502_rerun'));
      if (String(done?.args['text']).includes('origin.connection_refused')) rightCause++;
      await slackApi.waitFor(
        () => slackApi.callsOf('chat.update').some((c) => c.args['channel'] === channel),
        10_000,
      );
    }
  } finally {
    await serve.close();
    await diagnoser.close();
    await slackApi.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return [
    {
      bench: 'slack',
      metric: `command → first threaded finding (median of ${RUNS}, lab)`,
      value: median(first),
      unit: 'ms',
      target: '< 1000',
      pass: median(first) < 1000,
    },
    {
      bench: 'slack',
      metric: 'command → summary (median, lab)',
      value: median(summary),
      unit: 'ms',
      target: '',
    },
    {
      bench: 'slack',
      metric: 'right primary cause',
      value: rightCause,
      unit: 'runs',
      target: `= ${RUNS}`,
      pass: rightCause === RUNS,
    },
  ];
}
