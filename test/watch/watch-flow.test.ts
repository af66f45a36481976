// Chat watches on real Redis and BullMQ with a scripted diagnosis (the reports a site gives run by
// run) and a recording sink at the chat boundary: one root whose status is edited, only changes
// posted, exactly one recovery message, a second request joins, Stop ends it, the limits refuse
// clearly, new workers pick a watch up where the old ones left it, and the timeline gets the results.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createChatFront } from '../../src/chat/front/chat-front.js';
import type { CommandAnswer } from '../../src/chat/front/command-input.js';
import { commandOf, runCommand } from '../../src/chat/front/commands.js';
import type { RunContext, ThreadRef } from '../../src/chat/sink.js';
import type { FindingCode } from '../../src/diagnosis/codes.js';
import type { Report } from '../../src/diagnosis/report.js';
import { incidentWatchHistory } from '../../src/watch/watch-history.js';
import { createWatchService, type WatchService } from '../../src/watch/watch-service.js';
import { startWatchWorkers, type WatchWorkers } from '../../src/watch/watch-workers.js';
import { alert, createHarness, eventually, type Harness, logger } from '../incidents/harness.js';
import { RecordingSink } from '../incidents/recording-sink.js';

const redisUrl = inject('redisUrl');
const SITE = 'shop.example.com';
const FAST = { firstDelayMs: 40, nextDelayMs: 40 };

type Summary = { thread: ThreadRef; report: Report; context?: RunContext };

/** The incidents' recording sink, also recording summaries (a watch posts the first run's and each new cause's). */
function summarySink() {
  const summaries: Summary[] = [];
  return Object.assign(new RecordingSink('slack'), {
    summaries,
    async postSummary(thread: ThreadRef, report: Report, context?: RunContext) {
      summaries.push({ thread, report, ...(context ? { context } : {}) });
    },
  });
}

function report(cause: FindingCode | null): Report {
  return {
    site: SITE,
    url: `https://${SITE}/`,
    verdict: cause ? 'failing' : 'healthy',
    primaryCause: cause,
    findings: cause
      ? [
          {
            code: cause,
            severity: 'error',
            title: `title of ${cause}`,
            detail: '',
            evidence: {},
            remediation: ['x'],
          },
        ]
      : [],
    checks: [],
    startedAt: new Date().toISOString(),
    durationMs: 3,
    cloudflareApiCalls: 0,
  };
}

let h: Harness;
let sink: ReturnType<typeof summarySink>;
let service: WatchService;
const workers: WatchWorkers[] = [];
/** What the site answers, run by run; the last entry repeats. */
let script: (FindingCode | null)[] = [];
let runs = 0;

function start(timings = FAST) {
  const w = startWatchWorkers({
    redisUrl,
    prefix: h.prefix,
    diagnose: async () => report(script[Math.min(runs++, script.length - 1)] ?? null),
    sinks: { slack: sink },
    history: incidentWatchHistory(h.service),
    logger,
    timings,
  });
  workers.push(w);
  return w;
}

beforeEach(async () => {
  h = await createHarness(redisUrl);
  sink = summarySink();
  service = createWatchService({ redis: h.redis, prefix: h.prefix, limits: { perChannel: 2, global: 3 } });
  runs = 0;
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  await service.close();
  await h.close();
});

const front = () =>
  createChatFront({
    requester: { request: async () => ({ outcome: 'queued', jobId: 'j' }) },
    logger,
    watches: service,
  });

async function say(text: string, channel = 'C-OPS', thread?: ThreadRef): Promise<CommandAnswer> {
  const { name, text: rest } = commandOf(text);
  return runCommand(front(), name, {
    platform: 'slack',
    text: rest,
    user: 'U1',
    reply: { platform: 'slack', channel },
    ...(thread ? { thread } : {}),
  });
}

const notes = () => sink.of('postNote').map((c) => c.text);
const lastRoot = () => sink.of('updateRoot').at(-1)?.context.watch;

describe('chat watch', () => {
  it('posts the first run, then only changes, then exactly one recovery message; the root shows the status', async () => {
    script = ['origin.connection_refused', 'origin.connection_refused', 'origin.tls_handshake_failed', null];
    start();
    expect(await say(`watch ${SITE} 30m`)).toEqual({ kind: 'watching', site: SITE, durationMs: 30 * 60_000 });
    await eventually(() => expect(lastRoot()?.ended).toBe(true), 8000);
    expect(sink.of('startThread')).toHaveLength(1);
    expect(sink.of('startThread')[0]?.context.watch).toMatchObject({ status: 'starting', ended: false });
    // Run 1 in full, the cause change (note + its summary), then the recovery: nothing else.
    expect(sink.summaries.map((s) => s.report.primaryCause)).toEqual([
      'origin.connection_refused',
      'origin.tls_handshake_failed',
    ]);
    expect(notes()).toHaveLength(2);
    expect(notes()[0]).toMatch(
      /^Run 3 \(.+ UTC\): the primary cause changed — now title of origin\.tls_handshake_failed/,
    );
    expect(notes().filter((n) => /recovered/.test(n))).toHaveLength(1);
    expect(notes()[1]).toMatch(
      /^✅ shop\.example\.com recovered after \d+ s \(first healthy \d\d:\d\d:\d\d\)\. Watch ended after 6 runs\.$/,
    );
    expect(runs).toBe(6);
    // While it ran the root said where it stood, with a Stop button; now the outcome, without one.
    const statuses = sink.of('updateRoot').map((c) => c.context.watch?.status);
    expect(statuses).toContain('healthy 2 of 3 runs in a row; confirming (run 5)');
    expect(lastRoot()?.status).toMatch(/^recovered after/);
    // The site is free again: a new watch starts rather than joins.
    expect((await say(`watch ${SITE}`)).kind).toBe('watching');
  });

  it('a second watch or a diagnosis request joins the running watch; Stop ends it with one outcome note', async () => {
    script = ['origin.connection_refused'];
    start({ firstDelayMs: 60_000, nextDelayMs: 60_000 });
    expect((await say(`watch ${SITE}`)).kind).toBe('watching');
    await eventually(() => expect(sink.summaries).toHaveLength(1));
    const thread = sink.of('startThread')[0]!.thread;
    const link = `https://slack.com/archives/${thread.channel}/p${thread.root}`;
    expect(await say(`watch https://${SITE}/cart 10m`)).toEqual({
      kind: 'watch-joined',
      site: SITE,
      here: false,
      link,
    });
    expect(await say(SITE)).toEqual({ kind: 'watch-joined', site: SITE, here: false, link });
    expect(await say(SITE, 'C-OPS', thread)).toMatchObject({ kind: 'watch-joined', here: true });
    const id = sink.of('startThread')[0]!.context.watch!.id;
    // The Stop button carries the watch id.
    expect(await say(`unwatch ${id}`)).toEqual({
      kind: 'note',
      text: `Stopping the watch of ${SITE}; its outcome is posted in its thread.`,
    });
    await eventually(() => expect(lastRoot()?.ended).toBe(true));
    expect(notes()).toEqual([`⏹ ${SITE} stopped after 1 s (still failing). Watch ended after 1 run.`]);
    expect(await say(`unwatch ${id}`)).toMatchObject({ text: `The watch of ${SITE} has already ended.` });
    expect(await say(`unwatch ${SITE}`)).toMatchObject({ text: `No watch of ${SITE} is running here.` });
    expect(runs).toBe(1);
  });

  it('refuses past the limits and out-of-bounds durations, with words saying why', async () => {
    script = ['origin.connection_refused'];
    expect((await say('watch a.example.com')).kind).toBe('watching');
    expect((await say('watch b.example.com')).kind).toBe('watching');
    expect(await say('watch c.example.com')).toMatchObject({
      text: expect.stringMatching(/already has 2 watches running/),
    });
    expect((await say('watch c.example.com', 'C-OTHER')).kind).toBe('watching');
    expect(await say('watch d.example.com', 'C-THIRD')).toMatchObject({
      text: expect.stringMatching(/already runs 3 watches/),
    });
    expect(await say('watch e.example.com 10s', 'C-THIRD')).toMatchObject({
      text: expect.stringMatching(/between 1 min and 6 h/),
    });
    expect(await say('watch e.example.com 7h', 'C-THIRD')).toMatchObject({
      text: expect.stringMatching(/between 1 min and 6 h/),
    });
    expect(await say('watch not a site', 'C-THIRD')).toMatchObject({ kind: 'invalid' });
  });

  it('new workers pick a watch up where stopped ones left it: no run lost, nothing posted twice', async () => {
    script = ['origin.connection_refused', 'origin.connection_refused', null];
    const first = start({ firstDelayMs: 300, nextDelayMs: 300 });
    expect((await say(`watch ${SITE}`)).kind).toBe('watching');
    await eventually(() => expect(sink.summaries).toHaveLength(1));
    await first.close(); // between run 1 and its delayed run 2
    workers.splice(workers.indexOf(first), 1);
    const before = runs;
    start();
    await eventually(() => expect(lastRoot()?.ended).toBe(true), 8000);
    expect(before).toBe(1);
    expect(sink.of('startThread')).toHaveLength(1);
    expect(sink.summaries).toHaveLength(1);
    expect(notes().filter((n) => /recovered/.test(n))).toHaveLength(1);
  });

  it("records the watch's start, changes and outcome in the site's open incident", async () => {
    await h.service.ingest([alert(SITE)]);
    script = ['origin.connection_refused', 'origin.tls_handshake_failed', null];
    start();
    expect((await say(`watch ${SITE}`)).kind).toBe('watching');
    await eventually(() => expect(lastRoot()?.ended).toBe(true), 8000);
    // The end is recorded in the history just after the root's last edit, not before it.
    const watchEvents = async () =>
      (await h.service.history.read(`${SITE}#1`)).filter((e) => e.type === 'watch');
    await eventually(async () => expect((await watchEvents()).at(-1)?.['phase']).toBe('ended'));
    const events = await watchEvents();
    expect(events).toEqual([
      expect.objectContaining({ phase: 'started', by: 'slack:U1', note: 'watching for up to 30 min' }),
      expect.objectContaining({
        phase: 'changed',
        primaryCause: 'origin.connection_refused',
        note: 'first run: failing — origin.connection_refused',
      }),
      expect.objectContaining({
        phase: 'changed',
        primaryCause: 'origin.tls_handshake_failed',
        note: expect.stringMatching(/the primary cause changed — now title of origin\.tls_handshake_failed/),
      }),
      expect.objectContaining({
        phase: 'ended',
        outcome: 'recovered',
        note: expect.stringMatching(/^recovered after/),
      }),
    ]);
    // The timeline tells them.
    const { renderTimeline } = await import('../../src/incidents/timeline.js');
    const incident = (await h.service.store.get(`${SITE}#1`))!;
    expect(renderTimeline(incident, await h.service.history.read(`${SITE}#1`))).toMatch(
      /Watch ended: \*\*recovered\*\* — recovered after/,
    );
  });
});
