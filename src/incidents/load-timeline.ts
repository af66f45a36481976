// Reads everything a site's incident timeline needs from Redis: the incident (the current one, or a
// given `<site>#<n>`), its history events, and the guarded fixes audited for the site while it lasted.
// Shared by `check502 timeline` and the chat command, so both tell the same story.
import type { Redis } from 'ioredis';
import { createFixStore } from '../fixes/fix-store.js';
import { createIncidentHistory } from './incident-history.js';
import { createIncidentStore, type IncidentRecord } from './incident-store.js';
import { renderTimeline, type TimelineFix, type TimelineIncident } from './timeline.js';

export type TimelineResult =
  | {
      ok: true;
      id: string;
      site: string;
      state: string;
      markdown: string;
      threads: IncidentRecord['threads'];
    }
  | { ok: false; reason: string };

export async function loadTimeline(
  redis: Redis,
  prefix: string,
  site: string,
  incidentId?: string,
): Promise<TimelineResult> {
  const store = createIncidentStore({ redis, prefix, editIntervalMs: 10_000 });
  const id = incidentId ?? (await store.currentOf(site));
  if (!id)
    return {
      ok: false,
      reason: `no incident recorded for ${site} (alerts open incidents; see docs/webhooks.md)`,
    };
  const record = await store.get(id);
  if (record && record.site !== site) return { ok: false, reason: `incident ${id} is not about ${site}` };
  if (!record) return { ok: false, reason: `incident ${id} is no longer kept (older than the retention)` };
  const events = await createIncidentHistory(redis, prefix).read(id);
  const from = Date.parse(record.firstSeen);
  const until = record.resolvedAt ? Date.parse(record.resolvedAt) + 60_000 : Number.POSITIVE_INFINITY;
  const fixes: TimelineFix[] = (
    await createFixStore(redis, prefix)
      .trail()
      .catch(() => [])
  )
    .filter((f) => f.site === record.site && Date.parse(f.at) >= from && Date.parse(f.at) <= until)
    .map((f) => ({ at: f.at, action: f.action, who: f.who, result: f.result, what: f.what }));
  const incident: TimelineIncident = {
    id: record.id,
    site: record.site,
    state: record.state,
    firstSeen: record.firstSeen,
    alerts: record.alerts,
    sources: record.sources,
  };
  if (record.resolvedAt) incident.resolvedAt = record.resolvedAt;
  if (record.previous) incident.previous = record.previous;
  if (record.storm) incident.storm = record.storm;
  return {
    ok: true,
    id,
    site: record.site,
    state: record.state,
    markdown: renderTimeline(incident, events, fixes),
    threads: record.threads,
  };
}
