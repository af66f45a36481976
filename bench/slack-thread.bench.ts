// Time from a /check502 command to its first threaded finding and to its summary, through the real
// `serve` (in-process workers, BullMQ on a throwaway redis-server) with the lab (Cloudflare API
// fake, fake edge, origin lab) behind a real diagnosis, and the fake Slack Web API at Slack's
// default per-channel pacing. The acknowledgement's latency is slack.bench.ts.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { SlackSink } from '../src/chat/slack/slack-sink.js';
import { startServe } from '../src/roles/serve.js';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { LAB_HOST, startLabDiagnoser } from '../test/support/lab-diagnoser.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { testConfig } from '../test/support/slack-harness.js';
import { commandBody, postSigned } from '../test/support/slack-requests.js';
import type { BenchRow } from './run.js';

const RUNS = 5;

export default async function bench(): Promise<BenchRow[]> {
  const redis = await startRedisServer();
  try {
    return await threadLatency(redis.url);
  } finally {
    await redis.stop(true);
  }
}

function median(values: number[]): number | undefined {
  return values.length === 0 ? undefined : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function threadLatency(redisUrl: string): Promise<BenchRow[]> {
  const logger = pino({ level: 'silent' });
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
  const firstMedian = median(first) ?? 0;
  return [
    {
      bench: 'slack',
      metric: `command → first threaded finding (median of ${RUNS}, lab)`,
      value: firstMedian,
      unit: 'ms',
      target: '< 1000',
      pass: firstMedian < 1000,
    },
    {
      bench: 'slack',
      metric: 'command → summary (median, lab)',
      value: median(summary) ?? 0,
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
