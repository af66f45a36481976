// The short threaded texts incidents post. Plain text: each sink escapes it for its platform.
import type { Report } from '../diagnosis/report.js';
import type { IncidentRecord } from './incident-store.js';

export function moreAlertsNote(record: IncidentRecord, since: string): string {
  const more = record.alerts - record.noteAlerts;
  const sources = record.sources.join(', ');
  return `${more} more alert${more === 1 ? '' : 's'} for ${record.site} since ${since} (${sources}); ${record.alerts} in total. This incident is still ${record.state}.`;
}

export function resolvedNote(record: IncidentRecord, report: Report): string {
  return `Resolved: the alerts for ${record.site} cleared and check502's own check agrees (verdict ${report.verdict}). ${record.alerts} alert${record.alerts === 1 ? '' : 's'} in this incident.`;
}

export function stillFailingNote(record: IncidentRecord, report: Report, nextInSeconds?: number): string {
  const cause = report.primaryCause ? ` (primary cause: ${report.primaryCause})` : '';
  const head = `The alerts for ${record.site} cleared, but check502 still sees it ${report.verdict}${cause}.`;
  return nextInSeconds === undefined
    ? `${head} Keeping this incident open; it closes when a later alert resolves and a check agrees.`
    : `${head} Keeping this incident open and checking again in ${nextInSeconds} s.`;
}

export function joinedNote(site: string, link: string | undefined): string {
  return `A diagnosis of ${site} was already running${link ? ` (${link})` : ''}; its findings are posted there.`;
}
