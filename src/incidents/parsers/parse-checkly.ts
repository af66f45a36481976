// Checkly webhook alert channel. The body is a Handlebars template the user edits; the default one has
// `{ event: "{{ALERT_TITLE}}", alert_type: "{{ALERT_TYPE}}", check_name, check_id, check_type,
// check_result_id, check_error_message, response_time, api_check_response_status_code, run_location,
// ssl_days_remaining, ssl_check_domain, started_at, tags, link, region }`. ALERT_TYPE is ALERT_FAILURE,
// ALERT_DEGRADED, ALERT_RECOVERY, ALERT_DEGRADED_RECOVERY or ALERT_SSL (certificate expiry: ignored).
// Checkly has no URL variable for a check, so the site is a url field if the user added one, a
// `site:`/`url:`/`host:` tag, or a hostname in the check name or title. Signature: sender-signature.ts.
import type { ParsedPayload } from '../alert.js';
import { isObject } from './json-shape.js';
import { monitorAlert } from './monitor-alert.js';
import {
  pick,
  pickText,
  siteFromCandidates,
  siteFromTags,
  siteInUrlFields,
  statusFromWords,
} from './read-meaning.js';

export function parseCheckly(payload: unknown): ParsedPayload {
  if (!isObject(payload)) return { ok: false, reason: 'expected a JSON object (Checkly webhook payload)' };
  const alertType = pickText(payload, 'alert_type', 'alertType', 'type');
  const title = pickText(payload, 'event', 'alert_title', 'title');
  const ssl = alertType?.toUpperCase() === 'ALERT_SSL';
  const status = ssl ? 'ignore' : (statusFromWords(alertType) ?? statusFromWords(title));
  const name = pickText(payload, 'check_name', 'checkName', 'name');
  return monitorAlert({
    source: 'checkly',
    status,
    statusField: 'alert_type ({{ALERT_TYPE}}: ALERT_FAILURE or ALERT_RECOVERY)',
    statusText: alertType,
    site: siteFromCandidates([
      ['url', pickText(payload, 'url', 'request_url', 'api_check_url', 'site') ?? siteInUrlFields(payload)],
      ['tags (site:/url:/host:)', siteFromTags(pick(payload, 'tags'))],
      ['check_name', name],
      ['event', title],
      ['check_error_message', pickText(payload, 'check_error_message')],
    ]),
    monitorId: pickText(payload, 'check_id', 'checkId'),
    summary:
      [title ?? name, pickText(payload, 'check_error_message')].filter(Boolean).join(': ') || undefined,
  });
}
