// Cloudflare Notifications webhook: `{ name, text, data, ts, account_id, policy_id, alert_type,
// alert_correlation_id, alert_event }`. Only alert types that explain 5xx become alerts; the rest
// (and the dashboard's "Save and Test" ping) are accepted and ignored, so Cloudflare never retries them.
import { type Alert, type AlertStatus, clip, type ParsedPayload } from '../alert.js';
import { isObject, type JsonObject, str } from './json-shape.js';
import { siteFromText } from './site-from-labels.js';

/** Alert types that concern 502-family errors, and whether they report a state flip (no START/END). */
const RELEVANT: Record<string, 'episode' | 'flip'> = {
  http_alert_origin_error: 'episode',
  real_origin_monitoring: 'episode',
  health_check_status_notification: 'flip',
  load_balancing_health_alert: 'flip',
  tunnel_health_event: 'flip',
};

/** Fields of `data` that name the affected hostname, most specific first. */
const HOST_FIELDS = ['host', 'hostname', 'target_hostname', 'load_balancer_name', 'zone_name', 'zone'];
/** Fields that identify the monitored object, so two pools of one site are two alerts. */
const OBJECT_FIELDS = ['health_check_id', 'pool_id', 'origin_name', 'tunnel_id'];

export function parseCloudflare(payload: unknown): ParsedPayload {
  if (!isObject(payload)) return { ok: false, reason: 'expected a JSON object (Cloudflare Notifications)' };
  const alertType = payload['alert_type'];
  const data = payload['data'];
  if (alertType === undefined && data === undefined) {
    if (typeof payload['text'] === 'string')
      return { ok: true, alerts: [], ignored: [], note: 'test message from Cloudflare ("Save and Test")' };
    return { ok: false, reason: 'not a Cloudflare Notifications payload: no alert_type, data or text' };
  }
  if (alertType !== undefined && typeof alertType !== 'string')
    return { ok: false, reason: 'alert_type must be a string' };
  if (data !== undefined && !isObject(data)) return { ok: false, reason: 'data must be an object' };
  const event = payload['alert_event'];
  if (event !== undefined && typeof event !== 'string')
    return { ok: false, reason: 'alert_event must be a string' };
  const kind = alertType === undefined ? undefined : RELEVANT[alertType];
  if (!kind) {
    return {
      ok: true,
      alerts: [],
      ignored: [],
      note: `alert type ${clip(String(alertType), 80)} is not about 5xx errors`,
    };
  }
  const body = data ?? {};
  const status = statusOf(event, body);
  const summary = clip(str(payload, 'name') ?? str(payload, 'text') ?? alertType ?? 'Cloudflare alert');
  const start = kind === 'flip' ? '' : episodeOf(payload);
  const base = { status, source: 'cloudflare' as const, summary, start };
  const prefix = `cloudflare:${alertType}:${clip(str(payload, 'policy_id') ?? '', 64)}`;

  if (alertType === 'real_origin_monitoring') {
    const zones = body['unreachable_zones'];
    if (!Array.isArray(zones) || zones.length === 0)
      return { ok: true, alerts: [], ignored: [{ index: 0, reason: 'no unreachable_zones in data' }] };
    const alerts: Alert[] = [];
    const ignored = [];
    for (const [index, zone] of zones.slice(0, 1000).entries()) {
      const host = isObject(zone) ? (str(zone, 'host') ?? str(zone, 'zone_name')) : undefined;
      const site = host === undefined ? undefined : siteFromText(host);
      if (!site?.ok) {
        ignored.push({ index, reason: site?.reason ?? 'unreachable_zones entry without host or zone_name' });
        continue;
      }
      alerts.push({ ...base, site: site.site, fingerprint: `${prefix}:${site.site}` });
    }
    return { ok: true, alerts, ignored };
  }

  const site = siteIn(body);
  if (!site.ok) return { ok: true, alerts: [], ignored: [{ index: 0, reason: site.reason }] };
  const object = OBJECT_FIELDS.map((f) => str(body, f)).find((v) => v !== undefined) ?? '';
  return {
    ok: true,
    ignored: [],
    alerts: [{ ...base, site: site.site, fingerprint: `${prefix}:${site.site}:${clip(object, 64)}` }],
  };
}

function siteIn(data: JsonObject): { ok: true; site: string } | { ok: false; reason: string } {
  for (const field of HOST_FIELDS) {
    const value = str(data, field);
    if (value === undefined || value === '') continue;
    const site = siteFromText(value);
    if (site.ok) return site;
  }
  return { ok: false, reason: `the alert data names no hostname (${HOST_FIELDS.join(', ')})` };
}

/** START/END when present; state-flip alerts carry the new state in `data`. */
function statusOf(event: string | undefined, data: JsonObject): AlertStatus {
  if (event?.endsWith('_END')) return 'resolved';
  if (event?.endsWith('_START')) return 'firing';
  const state =
    str(data, 'new_health') ??
    str(data, 'new_health_status') ??
    str(data, 'new_status') ??
    str(data, 'status');
  return state !== undefined && /healthy$/i.test(state) && !/unhealthy$/i.test(state) ? 'resolved' : 'firing';
}

/** The correlation id ties START to END; a one-shot alert's own timestamp makes its retries count once. */
function episodeOf(payload: JsonObject): string {
  const correlation = str(payload, 'alert_correlation_id');
  if (correlation) return clip(correlation, 128);
  const ts = payload['ts'];
  return typeof ts === 'number' || typeof ts === 'string' ? clip(String(ts), 64) : '';
}
