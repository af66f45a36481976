// What happened during an incident, in order, for the timeline (timeline.ts): the first alert and its
// source, each diagnosis with its primary cause and Ray IDs, re-checks, watch results, the resolve,
// the recovery. One Redis list per incident (`<prefix>:incident-state:hist:<id>`) of JSON events,
// expiring `retentionDays` after its last event (CHECK502_INCIDENT_RETENTION_DAYS, default 30).
// Appends are fire-and-forget for callers: a history that cannot be written never fails an alert.
import type { Redis } from 'ioredis';
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
  | { type: 'watch'; at: string; verdict: string; note: string }
  | { type: 'storm'; at: string; storm: string }
  | { type: 'resolved'; at: string };

export const DEFAULT_RETENTION_DAYS = 30;
/** A runaway incident (a flapping alert for weeks) keeps its newest events only. */
const MAX_EVENTS = 2000;

export function createIncidentHistory(redis: Redis, prefix: string, retentionDays = DEFAULT_RETENTION_DAYS) {
  const key = (id: string) => `${prefix}:incident-state:hist:${id}`;
  const ttl = Math.max(1, Math.round(retentionDays * 86_400));
  return {
    retentionDays,
    async append(id: string, ...events: HistoryEvent[]): Promise<void> {
      if (events.length === 0) return;
      await redis
        .multi()
        .rpush(key(id), ...events.map((e) => JSON.stringify(e)))
        .ltrim(key(id), -MAX_EVENTS, -1)
        .expire(key(id), ttl)
        .exec();
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
        .map((f) => f.evidence?.['rayId'])
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
