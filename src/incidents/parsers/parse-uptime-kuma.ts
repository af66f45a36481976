// Uptime Kuma's Webhook notification: `{ heartbeat, monitor, msg }` (server/notification-providers/
// webhook.js), as JSON, as multipart `data`, or as GET query parameters (decode-body.ts). heartbeat.status
// is 0 down, 1 up, 2 pending (retrying), 3 maintenance. HTTP monitors carry the site in monitor.url;
// other types in monitor.hostname (their url is the placeholder "https://"). The "Test" button sends
// heartbeat and monitor as null.
import type { ParsedPayload } from '../alert.js';
import { isObject } from './json-shape.js';
import { monitorAlert, testMessage } from './monitor-alert.js';
import {
  pick,
  pickText,
  type StatusMeaning,
  siteFromCandidates,
  statusFromTitle,
  statusFromWords,
} from './read-meaning.js';

const KUMA_STATUS: Record<string, StatusMeaning> = {
  '0': 'firing',
  '1': 'resolved',
  '2': 'ignore',
  '3': 'ignore',
};
const KUMA_WORDS: Record<string, string> = { '0': 'down', '1': 'up', '2': 'pending', '3': 'maintenance' };

export function parseUptimeKuma(payload: unknown): ParsedPayload {
  if (!isObject(payload))
    return { ok: false, reason: 'expected a JSON object { heartbeat, monitor, msg } (Uptime Kuma)' };
  const heartbeat = pick(payload, 'heartbeat');
  const monitor = pick(payload, 'monitor');
  const msg = pickText(payload, 'msg', 'message');
  if (!isObject(heartbeat) && !isObject(monitor)) {
    if (msg !== undefined) return testMessage('Uptime Kuma');
    return { ok: false, reason: 'not an Uptime Kuma payload: heartbeat and monitor are missing' };
  }
  const code = pickText(heartbeat, 'status');
  const status =
    (code === undefined ? undefined : KUMA_STATUS[code]) ??
    statusFromWords(code) ??
    statusFromTitle(msg) ??
    statusFromWords(msg?.replace(/^\[[^\]]*\]\s*/, '').slice(0, 40));
  return monitorAlert({
    source: 'uptime-kuma',
    status,
    statusField: 'heartbeat.status (0 down, 1 up)',
    statusText: code === undefined ? msg : (KUMA_WORDS[code] ?? code),
    site: siteFromCandidates([
      ['monitor.url', pickText(monitor, 'url')],
      ['monitor.hostname', pickText(monitor, 'hostname')],
      ['monitor.name', pickText(monitor, 'name', 'pathName')],
      ['msg', msg],
    ]),
    monitorId: pickText(monitor, 'id') ?? pickText(heartbeat, 'monitorID', 'monitor_id'),
    summary: msg ?? pickText(heartbeat, 'msg'),
  });
}
