// PagerDuty v3 incidents against check502's incidents, as PagerDuty sends them (developer-docs
// webhooks/01-Overview.md): triggered, then resolved, then reopened and resolved again; plus the
// events that are not about the site being down or up (acknowledged, unacknowledged, escalated,
// priority_updated, annotated) and retried deliveries. What a user sees: one check502 incident per
// opening, a reopen that comes back while the bot is confirming the resolve keeps the incident open,
// and nothing else ever opens, counts or closes anything.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Alert } from '../../src/incidents/alert.js';
import { parsePagerDuty } from '../../src/incidents/parsers/parse-pagerduty.js';
import { payload } from '../fakes/alert-payloads/load-payload.js';
import { createHarness, eventually, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness(inject('redisUrl'));
});
afterEach(async () => {
  await h.close();
});

const site = 'shop.example.com';
let events = 0;

/** The triggered fixture as PagerDuty sends another event about the same incident. */
function event(type: string, overrides: Record<string, unknown> = {}): Alert[] {
  const body = payload('pagerduty-triggered') as { event: Record<string, unknown> };
  const data = { ...(body.event['data'] as Record<string, unknown>), ...overrides };
  const sent = {
    event: {
      ...body.event,
      id: `evt-${++events}`,
      event_type: type,
      occurred_at: new Date().toISOString(),
      data,
    },
  };
  const parsed = parsePagerDuty(sent);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.alerts;
}

describe('PagerDuty incident episodes', () => {
  it('acknowledged, unacknowledged, escalated, priority and notes change nothing', async () => {
    await h.service.ingest(event('incident.triggered'));
    for (const type of [
      'incident.acknowledged',
      'incident.unacknowledged',
      'incident.escalated',
      'incident.priority_updated',
      'incident.delegated',
      'incident.reassigned',
      'incident.responder.added',
    ]) {
      expect(event(type, { status: 'triggered' })).toEqual([]);
    }
    const note = parsePagerDuty({
      event: {
        id: 'n1',
        event_type: 'incident.annotated',
        resource_type: 'incident',
        data: { id: 'P2LA89X', type: 'incident_note', content: 'looking', incident: { id: 'PGR0VU2' } },
      },
    });
    expect(note).toMatchObject({ ok: true, alerts: [] });
    expect(await h.service.context(`${site}#1`)).toMatchObject({ state: 'open', alerts: 1 });
  });

  it('a retried triggered counts once; after the resolve it opens nothing', async () => {
    const triggered = event('incident.triggered');
    expect((await h.service.ingest(triggered)).counts).toEqual({ opened: 1 });
    expect((await h.service.ingest(triggered)).counts).toEqual({ duplicate: 1 });
    expect((await h.service.ingest(event('incident.resolved', { status: 'resolved' }))).counts).toEqual({
      resolving: 1,
    });
    expect((await h.service.ingest(triggered)).counts).toEqual({ duplicate: 1 });
    expect(await h.service.context(`${site}#1`)).toMatchObject({ state: 'resolving', alerts: 1 });
  });

  it('a reopen while the bot confirms the resolve keeps the incident open; the next resolve closes it', async () => {
    h.verdict.value = 'failing'; // the bot still sees it failing: no close behind our back
    h.startWorkers({ recheckDelayMs: 60_000, editIntervalMs: 30, noteIntervalMs: 60_000, maxRechecks: 2 });
    await h.service.ingest(event('incident.triggered'));
    await h.service.ingest(event('incident.resolved', { status: 'resolved' }));
    const reopened = event('incident.reopened', { status: 'triggered' });
    expect((await h.service.ingest(reopened)).counts).toEqual({ reopened: 1 });
    expect((await h.service.ingest(reopened)).counts).toEqual({ duplicate: 1 }); // retried delivery
    expect(await h.service.context(`${site}#1`)).toMatchObject({ state: 'open', alerts: 2 });
    // PagerDuty's resolve does not say which opening it ends: it ends the one still firing.
    expect((await h.service.ingest(event('incident.resolved', { status: 'resolved' }))).counts).toEqual({
      resolving: 1,
    });
    expect(await h.service.context(`${site}#1`)).toMatchObject({ state: 'resolving' });
  });

  it('a reopen after check502 closed the incident opens a new one that follows it', async () => {
    h.startWorkers();
    await h.service.ingest(event('incident.triggered'));
    await h.service.ingest(event('incident.resolved', { status: 'resolved' }));
    await eventually(async () => expect((await h.service.context(`${site}#1`))?.state).toBe('resolved'));
    expect((await h.service.ingest(event('incident.reopened', { status: 'triggered' }))).counts).toEqual({
      opened: 1,
    });
    expect(await h.service.context(`${site}#2`)).toMatchObject({
      state: 'open',
      previous: { id: `${site}#1` },
    });
    await h.service.ingest(event('incident.resolved', { status: 'resolved' }));
    await eventually(async () => expect((await h.service.context(`${site}#2`))?.state).toBe('resolved'));
    // A late retry of the first resolve finds nothing firing: nothing changes.
    expect((await h.service.ingest(event('incident.resolved', { status: 'resolved' }))).counts).toEqual({
      duplicate: 1,
    });
  });
});
