// The simplest sender: `{ "site": "...", "status": "firing" | "resolved", "summary": "..." }`, with
// optional `fingerprint` and `startsAt` for senders that retry (without them every delivery counts).
import { clip, MAX_ID, type ParsedPayload } from '../alert.js';
import { isObject, str } from './json-shape.js';
import { siteFromText } from './site-from-labels.js';

export function parseGeneric(payload: unknown): ParsedPayload {
  if (!isObject(payload))
    return {
      ok: false,
      reason: 'expected a JSON object: { "site", "status": "firing"|"resolved", "summary" }',
    };
  const rawSite = payload['site'];
  if (typeof rawSite !== 'string') return { ok: false, reason: 'site must be a string (a hostname or URL)' };
  const status = payload['status'];
  if (status !== 'firing' && status !== 'resolved')
    return { ok: false, reason: 'status must be "firing" or "resolved"' };
  const summary = payload['summary'] ?? '';
  if (typeof summary !== 'string') return { ok: false, reason: 'summary must be a string' };
  for (const key of ['fingerprint', 'startsAt'] as const) {
    const value = payload[key];
    if (value !== undefined && (typeof value !== 'string' || value.length > MAX_ID))
      return { ok: false, reason: `${key} must be a string of at most ${MAX_ID} characters` };
  }
  const site = siteFromText(rawSite);
  if (!site.ok) return { ok: false, reason: `site: ${site.reason}` };
  return {
    ok: true,
    ignored: [],
    alerts: [
      {
        site: site.site,
        status,
        fingerprint: `generic:${str(payload, 'fingerprint') ?? site.site}`,
        start: str(payload, 'startsAt') ?? '',
        source: 'generic',
        summary: clip(summary || `${site.site} is ${status}`),
      },
    ],
  };
}
