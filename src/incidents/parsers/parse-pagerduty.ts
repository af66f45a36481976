// PagerDuty v3 webhook subscription: `{ event: { id, event_type, resource_type, occurred_at, agent,
// data: { id, type: "incident", status, title, service: { summary }, incident_key?, html_url, … } } }`
// (developer-docs webhooks/v3 overview). incident.triggered/reopened open, incident.resolved resolves,
// the rest (acknowledged, annotated, escalated…) and the `pagey.ping` test are accepted and ignored.
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
    monitorId: pickText(data, 'id', 'incident.id'),
    start: pickText(data, 'id', 'incident.id'),
    summary: title,
  });
}
