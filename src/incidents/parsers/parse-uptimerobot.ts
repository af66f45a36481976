// UptimeRobot's Webhook alert contact: the user puts the alert variables in the URL's query string
// (`?monitorURL=*monitorURL*&alertType=*alertType*…`) or in a "POST value" JSON body; both arrive here as
// one object (decode-body.ts). alertType is 1 down, 2 up, 3 SSL expiry; alertTypeFriendlyName says
// "Down"/"Up". Fields are read case-insensitively because users type the names themselves.
import type { ParsedPayload } from '../alert.js';
import { isObject } from './json-shape.js';
import { monitorAlert } from './monitor-alert.js';
import { pickText, type StatusMeaning, siteFromCandidates, statusFromWords } from './read-meaning.js';

const ALERT_TYPE: Record<string, StatusMeaning> = { '1': 'firing', '2': 'resolved', '3': 'ignore' };

export function parseUptimeRobot(payload: unknown): ParsedPayload {
  if (!isObject(payload))
    return {
      ok: false,
      reason: 'expected a JSON object or query string with monitorURL and alertType (UptimeRobot)',
    };
  const type = pickText(payload, 'alertType', 'alert_type', 'type');
  const friendly = pickText(payload, 'alertTypeFriendlyName', 'alert_type_friendly_name', 'status');
  const status =
    (type === undefined ? undefined : ALERT_TYPE[type]) ?? statusFromWords(friendly) ?? statusFromWords(type);
  const details = pickText(payload, 'alertDetails', 'alert_details', 'details');
  const name = pickText(payload, 'monitorFriendlyName', 'monitor_friendly_name', 'friendlyName', 'name');
  return monitorAlert({
    source: 'uptimerobot',
    status,
    statusField: 'alertType (1 down, 2 up) or alertTypeFriendlyName',
    statusText: friendly ?? type,
    site: siteFromCandidates([
      ['monitorURL', pickText(payload, 'monitorURL', 'monitor_url', 'url')],
      ['monitorFriendlyName', name],
      ['alertDetails', details],
    ]),
    monitorId: pickText(payload, 'monitorID', 'monitor_id', 'id'),
    summary: [name, friendly, details].filter(Boolean).join(': ') || undefined,
  });
}
