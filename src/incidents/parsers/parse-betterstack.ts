// Better Stack (Better Uptime) outgoing Incident webhook: `{ data: { id, type: "incident", attributes:
// { name, url, cause, started_at, acknowledged_at, resolved_at, status, … }, relationships: { monitor } } }`,
// the same incident object as its Uptime API. status is "Started", "Acknowledged" or "Resolved" (read as
// words); the incident id ties the start to its resolve. Monitor and on-call webhooks are accepted and ignored.
import type { ParsedPayload } from '../alert.js';
import { isObject } from './json-shape.js';
import { monitorAlert } from './monitor-alert.js';
import { pick, pickText, siteFromCandidates, siteInUrlFields, statusFromWords } from './read-meaning.js';

export function parseBetterStack(payload: unknown): ParsedPayload {
  if (!isObject(payload))
    return { ok: false, reason: 'expected a JSON object { data: { attributes } } (Better Stack)' };
  const data = isObject(pick(payload, 'data')) ? pick(payload, 'data') : payload;
  const type = pickText(data, 'type');
  if (type !== undefined && type !== 'incident')
    return {
      ok: true,
      alerts: [],
      ignored: [],
      note: `Better Stack ${type} webhook is not about an incident`,
    };
  const attributes = pick(data, 'attributes');
  if (!isObject(attributes))
    return { ok: false, reason: 'not a Better Stack incident: data.attributes is missing' };
  const word = pickText(attributes, 'status', 'state');
  const status =
    statusFromWords(word) ??
    (pickText(attributes, 'resolved_at')
      ? 'resolved'
      : pickText(attributes, 'started_at')
        ? 'firing'
        : undefined);
  const name = pickText(attributes, 'name', 'monitor_name');
  const cause = pickText(attributes, 'cause');
  return monitorAlert({
    source: 'betterstack',
    status,
    statusField: 'data.attributes.status ("Started" or "Resolved")',
    statusText: word,
    site: siteFromCandidates([
      ['data.attributes.url', pickText(attributes, 'url') ?? siteInUrlFields(attributes)],
      ['data.attributes.name', name],
      ['data.attributes.cause', cause],
    ]),
    monitorId: pickText(data, 'relationships.monitor.data.id') ?? pickText(attributes, 'monitor_id'),
    start: pickText(data, 'id'),
    summary: [name, cause].filter(Boolean).join(': ') || undefined,
  });
}
