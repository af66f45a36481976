// The timeline of a closed incident reads as it happened: first alert and its source, the diagnosis
// with its primary cause and Ray ID, the resolve, the bot's re-check, a fix and who applied it, the
// recovery, and the durations — through the CLI that reads Redis, as a person would run it.
import { describe, expect, inject, it } from 'vitest';
import { runTimeline } from '../../src/cli/timeline.js';
import { createFixStore } from '../../src/fixes/fix-store.js';
import { createIncidentHistory } from '../../src/incidents/incident-history.js';
import { loadTimeline } from '../../src/incidents/load-timeline.js';
import { duration, renderTimeline } from '../../src/incidents/timeline.js';
import { reported } from '../support/findings.js';
import { alert, createHarness, eventually, report } from './harness.js';

function sink() {
  let text = '';
  return {
    write: (chunk: string) => (text += chunk),
    get text() {
      return text;
    },
  };
}

describe('incident timeline', () => {
  it('tells a closed incident from first alert to recovery, with a fix and the durations', async () => {
    const h = await createHarness(inject('redisUrl'));
    try {
      h.startWorkers();
      const site = 'shop.example.com';
      await h.service.ingest([alert(site, { source: 'uptime-kuma', summary: 'Shop is down: 502' })]);
      const failing = report(site, 'failing');
      failing.findings = [
        reported({
          code: 'origin.connection_refused',
          severity: 'error',
          title: 'The origin refuses connections on 443',
          detail: '',
          evidence: { address: '203.0.113.10', port: 443 },
        }),
        reported({
          code: 'edge.error',
          severity: 'error',
          title: 'Cloudflare answers 521',
          detail: '',
          evidence: { status: 521, rayId: '8f1e2d3c4b5a6978-FRA' },
        }),
      ];
      await h.service.recordReport(`${site}#1`, failing);
      await createFixStore(h.redis, h.prefix).audit({
        at: new Date().toISOString(),
        fixId: 'fx1',
        site,
        action: 'disable-origin',
        who: 'slack:U123 (jane)',
        what: 'pool eu: origin 203.0.113.10 disabled',
        before: 'enabled',
        after: 'disabled',
        result: 'applied',
        reason: '',
      });
      await new Promise((r) => setTimeout(r, 5)); // the resolve comes after the fix, not in its millisecond
      await h.service.ingest([alert(site, { source: 'uptime-kuma', status: 'resolved' })]);
      await eventually(async () => expect((await h.service.context(`${site}#1`))?.state).toBe('resolved'));

      const result = await loadTimeline(h.redis, h.prefix, site);
      expect(result.ok).toBe(true);
      const md = result.ok ? result.markdown : '';
      expect(md).toContain(`# Incident ${site}#1: ${site}`);
      expect(md).toContain('- **State:** resolved');
      expect(md).toMatch(/First alert from \*\*uptime-kuma\*\*: Shop is down: 502/);
      expect(md).toMatch(
        /Diagnosis: \*\*failing\*\*, primary cause `origin.connection_refused` — The origin refuses connections on 443; Ray ID 8f1e2d3c4b5a6978-FRA; also `edge.error`/,
      );
      expect(md).toMatch(/Fix \*\*disable-origin\*\* by slack:U123 \(jane\): applied/);
      expect(md).toMatch(/Alerts resolved \(uptime-kuma\)/);
      expect(md).toMatch(/Re-check: \*\*healthy\*\* → incident closed/);
      expect(md).toMatch(/\*\*Recovered\*\*/);
      expect(md).toMatch(/- \*\*Time to first finding:\*\* \d+ (ms|s) \(origin.connection_refused\)/);
      expect(md).toMatch(/- \*\*Time to recovery:\*\* \d+ (ms|s)/);
      // Events in the order they happened.
      const order = [
        'First alert',
        'Diagnosis:',
        'Fix **',
        'Alerts resolved',
        'Re-check:',
        '**Recovered**',
      ].map((s) => md.indexOf(s));
      expect([...order].sort((a, b) => a - b)).toEqual(order);

      const out = sink();
      const err = sink();
      const env = { REDIS_URL: inject('redisUrl'), CHECK502_QUEUE_PREFIX: h.prefix };
      expect(await runTimeline([`https://${site}/cart`], env, out, err)).toBe(0);
      expect(out.text).toBe(md);
      expect(await runTimeline(['other.example.com'], env, out, err)).toBe(1);
      expect(err.text).toContain('no incident recorded for other.example.com');
      expect(await runTimeline([], env, out, err)).toBe(2);
    } finally {
      await h.close();
    }
  });

  it('keeps history only for the retention, and says so when it is gone', async () => {
    const h = await createHarness(inject('redisUrl'));
    try {
      await h.service.ingest([alert('api.example.com')]);
      const ttl = await h.redis.ttl(`${h.prefix}:incident-state:hist:api.example.com#1`);
      expect(ttl).toBeGreaterThan(29 * 86_400);
      expect(ttl).toBeLessThanOrEqual(30 * 86_400);
      const inc = `${h.prefix}:incident-state:inc:api.example.com#1`;
      expect(await h.redis.ttl(inc)).toBe(-1); // open: kept

      // Closed: the record goes with its history, after the retention the deployment set.
      const history = createIncidentHistory(h.redis, h.prefix, 2);
      await history.append('api.example.com#1', { type: 'resolved', at: new Date().toISOString() });
      for (const key of [inc, `${inc}:sources`, `${h.prefix}:incident-state:hist:api.example.com#1`]) {
        const left = await h.redis.ttl(key);
        expect(left).toBeGreaterThan(2 * 86_400 - 60);
        expect(left).toBeLessThanOrEqual(2 * 86_400);
      }
      // Past it, the timeline says so rather than failing.
      await h.redis.del(inc, `${h.prefix}:incident-state:hist:api.example.com#1`);
      const gone = await loadTimeline(h.redis, h.prefix, 'api.example.com');
      expect(gone).toEqual({
        ok: false,
        reason: 'incident api.example.com#1 is no longer kept (older than the retention)',
      });
    } finally {
      await h.close();
    }
  });

  it('records a chat watch in the incident it ran for: start, change, outcome', async () => {
    const h = await createHarness(inject('redisUrl'));
    try {
      const site = 'watch.example.com';
      // No incident yet: a watch outside any incident leaves no timeline.
      expect(
        await h.service.history.appendForSite(site, {
          type: 'watch',
          at: new Date().toISOString(),
          phase: 'started',
          note: 'for 30 min',
        }),
      ).toBeUndefined();
      await h.service.ingest([alert(site, { source: 'pingdom' })]);
      const at = (s: number) => new Date(Date.now() + s * 1000).toISOString();
      expect(
        await h.service.history.appendForSite(
          site,
          { type: 'watch', at: at(1), phase: 'started', note: 'for 30 min', by: 'discord:42 (ana)' },
          {
            type: 'watch',
            at: at(2),
            phase: 'changed',
            verdict: 'failing',
            primaryCause: 'origin.connect_timeout',
            note: 'the origin now times out on 443',
          },
          {
            type: 'watch',
            at: at(3),
            phase: 'ended',
            outcome: 'recovered',
            note: 'recovered after 14 min (first healthy 10:42:10)',
          },
        ),
      ).toBe(`${site}#1`);
      const result = await loadTimeline(h.redis, h.prefix, site);
      const md = result.ok ? result.markdown : '';
      expect(md).toContain('Watch started by discord:42 (ana): for 30 min');
      expect(md).toContain('Watch: **failing** (`origin.connect_timeout`) — the origin now times out on 443');
      expect(md).toContain('Watch ended: **recovered** — recovered after 14 min (first healthy 10:42:10)');

      // Closed an hour ago: a new watch is not this incident's story any more.
      await h.redis.hset(`${h.prefix}:incident-state:inc:${site}#1`, {
        state: 'resolved',
        resolvedAt: new Date(Date.now() - 61 * 60_000).toISOString(),
      });
      expect(
        await h.service.history.appendForSite(site, {
          type: 'watch',
          at: at(4),
          phase: 'started',
          note: 'x',
        }),
      ).toBeUndefined();
    } finally {
      await h.close();
    }
  });

  it('renders an incident with no events and no recovery yet', () => {
    const md = renderTimeline(
      {
        id: 'a.example.com#3',
        site: 'a.example.com',
        state: 'open',
        firstSeen: '2026-03-02T13:00:00.000Z',
        alerts: 2,
        sources: ['pingdom'],
      },
      [],
    );
    expect(md).toContain('- **Time to recovery:** not recovered yet');
    expect(md).toContain('no events recorded');
    expect(duration(4 * 60_000 + 12_000)).toBe('4 min 12 s');
    expect(duration(3_780_000)).toBe('1 h 3 min');
  });
});
