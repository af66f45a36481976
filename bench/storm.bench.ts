// `npm run bench storm`: how soon an alert storm is explained. 30, then 50 sites behind one dead origin alert
// at once through `check502 serve` (in process, Slack's real pace of one message a second per
// channel); the figure is the time from the first alert to the storm message naming that origin
// (target: 5 s, product brief). Baseline in the same run: one site alerting alone, to its root.

import { runStorm } from '../test/e2e/support/storm-run.js';
import { startRedisServer } from '../test/support/redis-server.js';
import type { BenchRow } from './run.js';

/** The drill (30) and its worst case ("even when 50 sites fail together"). */
const SIZES = [30, 50];

export default async function bench(): Promise<BenchRow[]> {
  const redisServer = process.env['REDIS_URL'] ? undefined : await startRedisServer();
  const redisUrl = process.env['REDIS_URL'] ?? redisServer!.url;
  try {
    const single = await runStorm(redisUrl, 1);
    let alone: number;
    try {
      await single.slackApi.waitFor(() => single.roots().length >= 1, 30_000);
      alone = single.roots()[0]!.at - single.first;
    } finally {
      await single.close();
    }
    const rows: BenchRow[] = [];
    for (const sites of SIZES) {
      const storm = await runStorm(redisUrl, sites);
      try {
        const hidden = storm.lab.origin.replace(/\.\d+$/, '.x');
        const names = (text: unknown) => String(text).includes(`one origin ${hidden}`);
        await storm.slackApi.waitFor(() => storm.storms().some((c) => names(c.args['text'])), 30_000);
        const named = storm.storms().find((c) => names(c.args['text']))!.at - storm.first;
        rows.push(
          {
            bench: 'storm',
            metric: `${sites} sites: first alert → storm message naming the origin`,
            value: named,
            unit: 'ms',
            target: '< 5000',
            pass: named < 5000,
          },
          {
            bench: 'storm',
            metric: `  ${sites} sites: storm message / baseline`,
            value: named / Math.max(1, alone),
            unit: 'x',
            target: '',
          },
        );
      } finally {
        await storm.close();
      }
    }
    rows.push({
      bench: 'storm',
      metric: '  baseline: one site alone, first alert → its root',
      value: alone,
      unit: 'ms',
      target: '',
    });
    return rows;
  } finally {
    await redisServer?.stop();
  }
}
