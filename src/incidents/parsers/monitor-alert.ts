// The common ending of the uptime monitors' parsers: one monitor, one state change, one alert. A
// payload that says nothing usable is refused with a 400 naming the field that was missing; a state
// that is not about the site being down or up (acknowledged, paused, maintenance) is accepted and ignored.
import { type AlertSource, clip, MAX_ID, type ParsedPayload } from '../alert.js';
import type { StatusMeaning } from './read-meaning.js';
import type { SiteResult } from './site-from-labels.js';

export interface MonitorAlert {
  source: AlertSource;
  status: StatusMeaning | undefined;
  /** What the sender calls the state field(s), for the 400 ("heartbeat.status or msg"). */
  statusField: string;
  /** The raw state, for the note when it is ignored. */
  statusText?: string | undefined;
  site: SiteResult;
  /** The monitor/check/alert id that is the same for its down and its up. */
  monitorId: string | undefined;
  /** Episode id shared by the firing and its resolve (incident id), when the sender has one. */
  start?: string | undefined;
  summary: string | undefined;
}

export function monitorAlert(input: MonitorAlert): ParsedPayload {
  if (input.status === undefined)
    return {
      ok: false,
      reason: `${input.statusField} is missing or not a state check502 knows (down/up, firing/resolved)`,
    };
  if (input.status === 'ignore')
    return {
      ok: true,
      alerts: [],
      ignored: [],
      note: `${input.source} state ${clip(input.statusText ?? 'unknown', 60)} is neither down nor up`,
    };
  if (!input.site.ok) return { ok: false, reason: input.site.reason };
  const site = input.site.site;
  const id = clip(input.monitorId ?? site, MAX_ID);
  return {
    ok: true,
    ignored: [],
    alerts: [
      {
        site,
        status: input.status,
        fingerprint: `${input.source}:${id}`,
        start: clip(input.start ?? '', MAX_ID),
        source: input.source,
        summary: clip(input.summary || `${site} is ${input.status === 'firing' ? 'down' : 'up'}`),
      },
    ],
  };
}

/** A valid payload that is the sender's "send a test" button: accepted, nothing opened. */
export function testMessage(sender: string): ParsedPayload {
  return { ok: true, alerts: [], ignored: [], note: `test notification from ${sender}` };
}
