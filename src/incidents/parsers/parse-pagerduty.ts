// PagerDuty v3 webhook subscription: `{ event: { id, event_type, resource_type, occurred_at, agent,
// data: { id, type: "incident", status, title, service: { summary }, incident_key?, html_url, … } } }`
// (developer-docs webhooks/01-Overview.md). incident.triggered/reopened fire, incident.resolved
// resolves; the rest (acknowledged, unacknowledged, annotated, delegated, escalated, reassigned,
// priority_updated, responder.*, status_update_published, service.*) change nothing about whether the
// site is down and are accepted and ignored, as is the `pagey.ping` test.
// Episodes: the PagerDuty incident id is the fingerprint; its first firing is episode `<id>`, each
// reopen a new episode named by the event (a retried delivery of it counts once, and it opens a new
// check502 incident when the last one is closed), and a resolve (`*`) ends whichever is firing, since
// PagerDuty's resolve does not say which opening it closes.
// PagerDuty incidents carry no URL field: the site is found in the title, the incident key (monitors
// often use the URL) or a service named after the host. Signature: sender-signature.ts.
import type { ParsedPayload } from '../alert.js';
import { isObject } from './json-shape.js';
import { monitorAlert, testMessage } from './monitor-alert.js';
import { pick, pickText, siteFromCandidates, siteInUrlFields, statusFromWords } from './read-meaning.js';

export function parsePagerDuty(payload: unknown): ParsedPayload {
  if (!isObject(payload))
    return { ok: false, reason: 'expected a JSON object { event } (PagerDuty v3 webhook)' };
  const event = pick(payload, 'event');
  if (!isObject(event)) return { ok: false, reason: 'not a PagerDuty v3 webhook: event is missing' };
  const type = pickText(event, 'event_type');
  if (type === undefined) return { ok: false, reason: 'event.event_type is missing' };
  if (type.startsWith('pagey.')) return testMessage('PagerDuty');
  const data = pick(event, 'data');
  if (!isObject(data)) return { ok: false, reason: 'event.data is missing' };
  const isIncident = pickText(event, 'resource_type') === 'incident' || type.startsWith('incident.');
  const kind = type.replace(/^incident\./, '');
  const status =
    !isIncident || !['triggered', 'reopened', 'resolved'].includes(kind) ? 'ignore' : statusFromWords(kind);
  const title = pickText(data, 'title', 'summary', 'incident.summary');
  const id = pickText(data, 'id', 'incident.id');
  return monitorAlert({
    source: 'pagerduty',
    status,
    statusField: 'event.event_type',
    statusText: type,
    site: siteFromCandidates([
      ['event.data.title', title],
      ['event.data.incident_key', pickText(data, 'incident_key', 'alert_key', 'dedup_key')],
      ['event.data.service.summary', pickText(data, 'service.summary', 'service.name')],
      ['event.data.*url fields', siteInUrlFields(data)],
    ]),
    monitorId: id,
    start: episode(kind, id, pickText(event, 'id', 'occurred_at')),
    summary: title,
  });
}

function episode(kind: string, incident: string | undefined, event: string | undefined): string | undefined {
  if (kind === 'resolved') return '*';
  if (kind === 'reopened' && incident !== undefined) return `${incident}~reopened@${event ?? ''}`;
  return incident;
}
