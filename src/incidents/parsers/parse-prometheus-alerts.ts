// The `alerts[]` list shared by Alertmanager's webhook (version "4") and Grafana's unified alerting
// webhook (version "1"): status, labels, annotations, startsAt, endsAt, fingerprint per alert.
import { createHash } from 'node:crypto';
import {
  type Alert,
  type AlertSource,
  clip,
  type IgnoredAlert,
  MAX_ALERTS_PER_REQUEST,
  MAX_ID,
  type ParsedPayload,
} from '../alert.js';
import { isObject, type JsonObject, labels, str } from './json-shape.js';
import { siteFromLabels } from './site-from-labels.js';

export function parsePrometheusAlerts(payload: JsonObject, source: AlertSource): ParsedPayload {
  const list = payload['alerts'];
  if (!Array.isArray(list)) return { ok: false, reason: 'alerts must be an array' };
  if (list.length > MAX_ALERTS_PER_REQUEST)
    return {
      ok: false,
      reason: `too many alerts in one request (${list.length} > ${MAX_ALERTS_PER_REQUEST})`,
    };
  const common = labels(payload['commonLabels']);
  const alerts: Alert[] = [];
  const ignored: IgnoredAlert[] = [];
  for (const [index, entry] of list.entries()) {
    if (!isObject(entry)) return { ok: false, reason: `alerts[${index}] must be an object` };
    const status = str(entry, 'status');
    if (status !== 'firing' && status !== 'resolved')
      return { ok: false, reason: `alerts[${index}].status must be "firing" or "resolved"` };
    const own = labels(entry['labels']);
    if (!own) return { ok: false, reason: `alerts[${index}].labels must be an object of strings` };
    const annotations = labels(entry['annotations']) ?? {};
    const site = siteFromLabels(own, common);
    if (!site.ok) {
      ignored.push({ index, reason: site.reason });
      continue;
    }
    const startsAt = str(entry, 'startsAt') ?? '';
    const name = own['alertname'] ?? 'alert';
    alerts.push({
      site: site.site,
      status,
      fingerprint: `${source}:${fingerprintOf(entry, own)}`,
      start: clip(startsAt, 64),
      source,
      summary: clip(annotations['summary'] ?? annotations['description'] ?? str(entry, 'title') ?? name),
    });
  }
  return { ok: true, alerts, ignored };
}

/** The sender's fingerprint when it gives one; else a hash of the sorted labels (what Alertmanager does). */
function fingerprintOf(entry: JsonObject, own: Record<string, string>): string {
  const given = str(entry, 'fingerprint');
  if (given && given.length <= MAX_ID && /^[\w.-]+$/.test(given)) return given;
  const canonical = JSON.stringify(Object.entries(own).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256')
    .update(given ?? canonical)
    .digest('hex')
    .slice(0, 16);
}
