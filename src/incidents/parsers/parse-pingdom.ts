// Pingdom (SolarWinds) webhook integration, uptime checks: `{ check_id, check_name, check_type,
// check_params: { full_url, hostname, port, … }, tags, previous_state, current_state, description,
// long_description, state_changed_timestamp, … }`. current_state is "DOWN" or "UP" (transaction checks
// say "FAILING"/"SUCCESS"); HTTP checks name the site in check_params.full_url, others in hostname.
import type { ParsedPayload } from '../alert.js';
import { isObject } from './json-shape.js';
import { monitorAlert } from './monitor-alert.js';
import { pick, pickText, siteFromCandidates, siteFromTags, statusFromWords } from './read-meaning.js';

export function parsePingdom(payload: unknown): ParsedPayload {
  if (!isObject(payload))
    return { ok: false, reason: 'expected a JSON object with check_id and current_state (Pingdom)' };
  const state = pickText(payload, 'current_state', 'state', 'status');
  const params = pick(payload, 'check_params');
  const name = pickText(payload, 'check_name', 'name');
  const description = pickText(payload, 'description', 'long_description');
  return monitorAlert({
    source: 'pingdom',
    status: statusFromWords(state),
    statusField: 'current_state ("DOWN" or "UP")',
    statusText: state,
    site: siteFromCandidates([
      ['check_params.full_url', pickText(params, 'full_url', 'url')],
      ['check_params.hostname', pickText(params, 'hostname', 'host')],
      ['tags', siteFromTags(pick(payload, 'tags'))],
      ['check_name', name],
      ['description', description],
    ]),
    monitorId: pickText(payload, 'check_id', 'checkid', 'id'),
    summary: [name, state, description].filter(Boolean).join(': ') || undefined,
  });
}
