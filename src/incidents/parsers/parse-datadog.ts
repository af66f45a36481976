// Datadog Webhooks integration (monitors and Synthetic tests). The body is a template the user writes
// with $VARIABLES; the default one is `{ body, last_updated, event_type, title, date, org, id }` where
// title is "[Triggered] …" / "[Recovered] …". docs/webhooks.md suggests adding $ALERT_TRANSITION,
// $ALERT_ID, $ALERT_CYCLE_KEY, $HOSTNAME, $TAGS and the test URL, but any field name is read by
// meaning: a transition/status word, a site in url/host fields, a `site:`/`url:`/`host:` tag or scope,
// else a hostname in the title or body. $ALERT_CYCLE_KEY is the same from trigger to recovery.
import type { ParsedPayload } from '../alert.js';
import { isObject } from './json-shape.js';
import { monitorAlert } from './monitor-alert.js';
import {
  pick,
  pickText,
  siteFromCandidates,
  siteFromTags,
  siteInUrlFields,
  statusFromTitle,
  statusFromWords,
} from './read-meaning.js';

export function parseDatadog(payload: unknown): ParsedPayload {
  if (!isObject(payload)) return { ok: false, reason: 'expected a JSON object (Datadog webhook payload)' };
  // Templates name the $EVENT_TITLE field as they like: `title`, `summary` (FireHydrant's), `subject`.
  const title = pickText(
    payload,
    'title',
    'event_title',
    'alert_title',
    'summary',
    'subject',
    'synthetics_test_name',
  );
  const transition = pickText(payload, 'alert_transition', 'transition', 'status', 'state');
  const alertType = pickText(payload, 'alert_type', 'priority_type', 'level');
  const body = pickText(payload, 'body', 'event_msg', 'text_only_msg', 'message', 'text', 'description');
  const status =
    statusFromWords(transition) ??
    statusFromTitle(title) ??
    (alertType === 'success' ? 'resolved' : alertType === 'error' ? 'firing' : statusFromWords(alertType)) ??
    statusFromTitle(body);
  const tags = pick(payload, 'tags');
  const scope = pickText(payload, 'alert_scope', 'scope');
  return monitorAlert({
    source: 'datadog',
    status,
    statusField: 'alert_transition ($ALERT_TRANSITION) or a "[Triggered]"/"[Recovered]" title',
    statusText: transition ?? alertType,
    site: siteFromCandidates([
      ['url', pickText(payload, 'url', 'site', 'synthetics_url', 'test_url') ?? siteInUrlFields(payload)],
      ['tags ($TAGS site:/url:/host:)', siteFromTags(tags) ?? siteFromTags(scope)],
      ['hostname ($HOSTNAME)', pickText(payload, 'hostname', 'host')],
      ['title', title],
      ['body', body],
    ]),
    monitorId:
      [pickText(payload, 'alert_id', 'monitor_id', 'unique_key', 'dedup_key', 'aggreg_key'), scope]
        .filter(Boolean)
        .join(':') || undefined,
    start: pickText(payload, 'alert_cycle_key', 'cycle_key'),
    summary: title?.replace(/^(\[[^\]]*\]\s*)+/, '') ?? body,
  });
}
