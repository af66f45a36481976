// Monitors end to end on real Redis and BullMQ: a job scheduler per monitor, a scripted light check,
// and the real incident machinery. Two failing checks open exactly one incident; recovery resolves
// it once the bot's own re-check agrees; limits refuse clearly; monitors survive a new service.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createChatFront } from '../../src/chat/front/chat-front.js';
import { commandOf, runCommand } from '../../src/chat/front/commands.js';
import { foldCheck, type Monitor, parseEvery } from '../../src/monitors/monitor.js';
import {
  createMonitorService,
  type MonitorService,
  schedulerId,
} from '../../src/monitors/monitor-service.js';
import { type MonitorWorkers, startMonitorWorkers } from '../../src/monitors/monitor-workers.js';
import { createHarness, eventually, type Harness, logger } from '../incidents/harness.js';

let h: Harness;
let monitors: MonitorService;
let workers: MonitorWorkers | undefined;
const site = 'shop.example.com';

beforeEach(async () => {
  h = await createHarness(inject('redisUrl'));
  monitors = createMonitorService({ redis: h.redis, prefix: h.prefix, limits: { perChannel: 2, global: 3 } });
});
afterEach(async () => {
  await workers?.close();
  workers = undefined;
  await monitors.close();
  await h.close();
});

describe('monitors', () => {
  it('two failing checks open one incident; passing again resolves it after the re-check agrees', async () => {
    h.startWorkers();
    let healthy = true;
    const checks: boolean[] = [];
    workers = startMonitorWorkers({
      redisUrl: inject('redisUrl'),
      prefix: h.prefix,
      check: async () => {
        checks.push(healthy);
        return { healthy, summary: healthy ? 'edge 200' : '3 of 3 edge requests answered 502' };
      },
      ingest: (alerts) => h.service.ingest(alerts),
      logger,
    });
    await monitors.add({ platform: 'slack', channel: 'C-OPS', site, everyMs: 100 });
    await eventually(() => expect(checks.length).toBeGreaterThanOrEqual(2));
    healthy = false;
    const failingFrom = checks.length;
    await eventually(() => expect(checks.length).toBeGreaterThanOrEqual(failingFrom + 5));
    await eventually(() => expect(h.slack.of('startThread')).toHaveLength(1), 8000);
    expect(await h.service.context(`${site}#1`)).toMatchObject({ state: 'open', sources: ['monitor'] });
    // In the channel the monitor was added from, not the alert channel; and nowhere else.
    expect(h.slack.of('startThread')[0]?.reply).toMatchObject({ platform: 'slack', channel: 'C-OPS' });
    expect(h.discord.of('startThread')).toHaveLength(0);
    expect(h.requests.at(-1)?.reply).toMatchObject({ platform: 'slack', channel: 'C-OPS' });
    h.verdict.value = 'healthy';
    healthy = true;
    await eventually(
      async () => expect((await h.service.context(`${site}#1`))?.state).toBe('resolved'),
      8000,
    );
    expect(h.rechecks).toContain(site);
    expect(h.slack.of('startThread')).toHaveLength(1);
    await eventually(() =>
      expect(h.slack.of('postNote').filter((n) => n.text.startsWith('Resolved:'))).toHaveLength(1),
    );
    expect(h.slack.of('postNote').every((n) => n.thread.channel === 'C-OPS')).toBe(true);
  });

  it('a blip (one failing check) pages nobody', () => {
    const m: Monitor = {
      id: 'x',
      site,
      platform: 'slack',
      channel: 'C',
      everyMs: 60_000,
      addedAt: '',
      failures: 0,
      state: 'ok',
    };
    const once = foldCheck(m, false, 1);
    expect(once.alert).toBeUndefined();
    expect(foldCheck(once.monitor, true, 2).alert).toBeUndefined();
    expect(foldCheck(foldCheck(once.monitor, false, 2).monitor, false, 3).alert).toBeUndefined();
    expect(foldCheck(once.monitor, false, 2).alert).toBe('firing');
  });

  it('lists, removes (scheduler too), refuses past the limits, and survives a new service', async () => {
    expect((await monitors.add({ platform: 'slack', channel: 'C1', site: 'a.example.com' })).result).toBe(
      'added',
    );
    expect((await monitors.add({ platform: 'slack', channel: 'C1', site: 'b.example.com' })).result).toBe(
      'added',
    );
    expect((await monitors.add({ platform: 'slack', channel: 'C1', site: 'c.example.com' })).result).toBe(
      'channel_limit',
    );
    expect(
      (await monitors.add({ platform: 'slack', channel: 'C1', site: 'a.example.com', everyMs: 120_000 }))
        .result,
    ).toBe('updated');
    expect((await monitors.add({ platform: 'discord', channel: 'D1', site: 'c.example.com' })).result).toBe(
      'added',
    );
    expect((await monitors.add({ platform: 'discord', channel: 'D2', site: 'd.example.com' })).result).toBe(
      'global_limit',
    );
    const again = createMonitorService({ redis: h.redis, prefix: h.prefix });
    const listed = await again.list('slack', 'C1');
    expect(listed.map((m) => [m.site, m.everyMs])).toEqual([
      ['a.example.com', 120_000],
      ['b.example.com', 60_000],
    ]);
    await again.close();
    const queue = (await import('bullmq')).Queue;
    const q = new queue('monitor', { connection: h.redis, prefix: h.prefix });
    expect((await q.getJobSchedulers()).map((s) => s.key).sort()).toHaveLength(3);
    expect(await monitors.remove('slack', 'C1', 'a.example.com')).toBe(true);
    expect(await q.getJobScheduler(schedulerId('slack|C1|a.example.com'))).toBeUndefined();
    expect((await monitors.list('slack', 'C1')).map((m) => m.site)).toEqual(['b.example.com']);
    await q.obliterate({ force: true });
    await q.close();
  });

  it('/check502 monitor add|list|remove through the chat front, with a clear error past the limit', async () => {
    const front = createChatFront({
      requester: { request: async () => ({ outcome: 'queued', jobId: 'x' }) },
      logger,
      monitors,
    });
    const say = async (text: string) => {
      const { name, text: rest } = commandOf(text);
      const answer = await runCommand(front, name, {
        platform: 'slack',
        text: rest,
        user: 'U1',
        reply: { platform: 'slack', channel: 'C-OPS' },
      });
      return answer.kind === 'note' ? answer.text : answer.kind;
    };
    expect(await say('monitor add https://shop.example.com/cart every 1m')).toMatch(
      /^Monitoring shop\.example\.com every 1 min/,
    );
    expect(await say('monitor add b.example.com every 5 min')).toMatch(/every 5 min/);
    expect(await say('monitor add c.example.com')).toMatch(/already has 2 monitors/);
    expect(await say('monitor add d.example.com every 5s')).toMatch(/not an interval/);
    expect(await say('monitor list')).toBe(
      '• b.example.com every 5 min (ok)\n• shop.example.com every 1 min (ok)',
    );
    expect(await say('monitor remove shop.example.com')).toBe('Stopped monitoring shop.example.com.');
    expect(await say('monitor remove shop.example.com')).toMatch(/is not monitored/);
    expect(await say('shop.example.com')).toBe('queued');
  });

  it('reads intervals', () => {
    expect(parseEvery('every 1m')).toBe(60_000);
    expect(parseEvery('5 min')).toBe(300_000);
    expect(parseEvery('every 10s')).toBeUndefined();
    expect(parseEvery('soon')).toBeUndefined();
  });
});
