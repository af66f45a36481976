// What happened during an incident, in order, for the timeline (timeline.ts): the first alert and its
// source, each diagnosis with its primary cause and Ray IDs, re-checks, watch results, the resolve,
// the recovery. One Redis list per incident (`<prefix>:incident-state:hist:<id>`) of JSON events,
// expiring `retentionDays` after its last event (CHECK502_INCIDENT_RETENTION_DAYS, default 30); the
// incident's own record expires with it once the incident is closed.
// Appends are fire-and-forget for callers: a history that cannot be written never fails an alert.
import type { Redis } from 'ioredis';
import { anyEvidence } from '../diagnosis/evidence.js';
import type { Report } from '../diagnosis/report.js';

export type HistoryEvent =
  | { type: 'opened'; at: string; source: string; summary: string; previous?: string }
  | { type: 'reopened'; at: string; source: string }
  | { type: 'alerts-resolved'; at: string; source: string }
  | {
      type: 'diagnosis';
      at: string;
      verdict: string;
      primaryCause: string | null;
      title?: string;
      rayIds: string[];
      errors: string[];
      startedAt?: string;
    }
  | { type: 'recheck'; at: string; verdict: string; primaryCause: string | null; outcome: string }
  | WatchHistoryEvent
  | { type: 'storm'; at: string; storm: string }
  | { type: 'resolved'; at: string };

/**
 * A chat watch (`/check502 watch <site>`) as the timeline tells it. `started`: who started it and for
 * how long (note); `changed`: a new primary cause or failing again (verdict, primaryCause, note);
 * `ended`: the outcome (`recovered` | `healthy` | `timed_out` | `stopped`, note = the closing line).
 * Written by the watch jobs through `appendForSite`, which finds the site's incident.
 */
export interface WatchHistoryEvent {
  type: 'watch';
  at: string;
  phase: 'started' | 'changed' | 'ended';
  note: string;
  verdict?: string;
  primaryCause?: string | null;
  outcome?: string;
  /** Who started or stopped it, as the fix trail names people (`slack:U123 (jane)`). */
  by?: string;
}

export const DEFAULT_RETENTION_DAYS = 30;
/** A closed incident still takes events (a watch confirming the recovery) for this long after it closed. */
export const LATE_EVENT_MS = 60 * 60_000;
/** A runaway incident (a flapping alert for weeks) keeps its newest events only. */
const MAX_EVENTS = 2000;

export function createIncidentHistory(redis: Redis, prefix: string, retentionDays = DEFAULT_RETENTION_DAYS) {
  const key = (id: string) => `${prefix}:incident-state:hist:${id}`;
  const ttl = Math.max(1, Math.round(retentionDays * 86_400));
  async function append(id: string, ...events: HistoryEvent[]): Promise<void> {
    if (events.length === 0) return;
    const write = redis
      .multi()
      .rpush(key(id), ...events.map((e) => JSON.stringify(e)))
      .ltrim(key(id), -MAX_EVENTS, -1)
      .expire(key(id), ttl);
    // A closed incident is kept as long as its history, then goes (the retention covers the record,
    // its alerts and sources too, not only the events). An open one never expires under people's feet.
    if (events.some((e) => e.type === 'resolved')) {
      const inc = `${prefix}:incident-state:inc:${id}`;
      write.expire(inc, ttl).expire(`${inc}:alerts`, ttl).expire(`${inc}:sources`, ttl);
    }
    await write.exec();
  }
  return {
    retentionDays,
    append,
    /**
     * Appends to the site's incident when it has one that is open, or closed less than an hour ago (a
     * watch started in the incident's thread often outlives the close). Returns the incident id, or
     * undefined when the site has no such incident (a watch outside any incident leaves no timeline).
     */
    async appendForSite(site: string, ...events: HistoryEvent[]): Promise<string | undefined> {
      const current = await redis.hget(`${prefix}:incident-state:site:${site}`, 'current');
      if (!current) return undefined;
      const [state, resolvedAt] = await redis.hmget(
        `${prefix}:incident-state:inc:${current}`,
        'state',
        'resolvedAt',
      );
      if (!state) return undefined;
      if (state === 'resolved' && !(Date.now() - Date.parse(resolvedAt ?? '') < LATE_EVENT_MS))
        return undefined;
      await append(current, ...events);
      return current;
    },
    async read(id: string): Promise<HistoryEvent[]> {
      const raw = await redis.lrange(key(id), 0, -1);
      return raw.flatMap((line) => {
        try {
          return [JSON.parse(line) as HistoryEvent];
        } catch {
          return [];
        }
      });
    },
  };
}

export type IncidentHistory = ReturnType<typeof createIncidentHistory>;

/** A diagnosis as the timeline tells it: verdict, primary cause (its finding's title), Ray IDs, errors. */
export function diagnosisEvent(report: Report, at: string): HistoryEvent {
  const primary = report.findings.find((f) => f.code === report.primaryCause);
  const rayIds = [
    ...new Set(
      report.findings
        .map((f) => anyEvidence(f).rayId)
        .filter((r): r is string => typeof r === 'string' && r !== ''),
    ),
  ];
  const event: HistoryEvent = {
    type: 'diagnosis',
    at,
    verdict: report.verdict,
    primaryCause: report.primaryCause,
    rayIds,
    errors: [...new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.code))],
    startedAt: report.startedAt,
  };
  if (primary) event.title = primary.title;
  return event;
}
