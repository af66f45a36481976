// The incident timeline as Markdown, for a postmortem: when the first alert came and from what, each
// diagnosis with its primary cause and Ray IDs, re-checks, watch results, fixes applied and by whom,
// the recovery, and the two durations people are asked for (time to first finding, time to recovery).
// Pure: the incident, its events and the fixes audited for the site in, text out.
import type { HistoryEvent, WatchHistoryEvent } from './incident-history.js';

export interface TimelineIncident {
  id: string;
  site: string;
  state: string;
  firstSeen: string;
  resolvedAt?: string;
  alerts: number;
  sources: string[];
  previous?: string;
  storm?: string;
}

export interface TimelineFix {
  at: string;
  action: string;
  who: string;
  result: string;
  what?: string;
}

export function renderTimeline(
  incident: TimelineIncident,
  events: readonly HistoryEvent[],
  fixes: readonly TimelineFix[] = [],
): string {
  const start = Date.parse(incident.firstSeen);
  const rows: Array<{ at: string; text: string }> = [];
  for (const event of foldDiagnoses(events)) rows.push({ at: event.at, text: describe(event) });
  for (const fix of fixes)
    rows.push({
      at: fix.at,
      text: `Fix **${fix.action}** by ${fix.who}: ${fix.result}${fix.what ? ` (${fix.what})` : ''}`,
    });
  rows.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const firstFinding = events.find((e) => e.type === 'diagnosis' && e.primaryCause);
  const recovered = incident.resolvedAt ?? events.find((e) => e.type === 'resolved')?.at;
  const lines = [
    `# Incident ${incident.id}: ${incident.site}`,
    '',
    `- **State:** ${incident.state}${incident.storm ? ` (part of alert storm ${incident.storm})` : ''}`,
    `- **First alert:** ${stamp(incident.firstSeen)} from ${incident.sources.join(', ') || 'unknown'}`,
    `- **Alerts:** ${incident.alerts}`,
    `- **Time to first finding:** ${firstFinding ? duration(Date.parse(firstFinding.at) - start) : 'none yet'}${
      firstFinding?.type === 'diagnosis' ? ` (${firstFinding.primaryCause})` : ''
    }`,
    `- **Time to recovery:** ${recovered ? duration(Date.parse(recovered) - start) : 'not recovered yet'}`,
  ];
  if (incident.previous) lines.push(`- **Previous incident:** ${incident.previous}`);
  lines.push('', '| time (UTC) | +elapsed | event |', '| --- | --- | --- |');
  for (const row of rows)
    lines.push(`| ${stamp(row.at)} | +${duration(Date.parse(row.at) - start)} | ${cell(row.text)} |`);
  if (rows.length === 0)
    lines.push('| | | no events recorded (older than the retention, or recorded before history was kept) |');
  return `${lines.join('\n')}\n`;
}

/** Runs this close together with the same outcome are one finding told twice (one per chat platform). */
const SAME_FINDING_MS = 120_000;

/** Merges a diagnosis into the previous one when it says the same thing shortly after: one row, all Ray IDs. */
function foldDiagnoses(events: readonly HistoryEvent[]): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  let last: Extract<HistoryEvent, { type: 'diagnosis' }> | undefined;
  for (const event of events) {
    if (
      event.type === 'diagnosis' &&
      last !== undefined &&
      last.verdict === event.verdict &&
      last.primaryCause === event.primaryCause &&
      Math.abs(Date.parse(event.at) - Date.parse(last.at)) <= SAME_FINDING_MS
    ) {
      last.rayIds = [...new Set([...last.rayIds, ...event.rayIds])];
      last.errors = [...new Set([...last.errors, ...event.errors])];
      continue;
    }
    const copy = event.type === 'diagnosis' ? { ...event } : event;
    if (copy.type === 'diagnosis') last = copy;
    else if (event.type !== 'watch' && event.type !== 'storm') last = undefined;
    out.push(copy);
  }
  return out;
}

function describe(event: HistoryEvent): string {
  switch (event.type) {
    case 'opened':
      return `First alert from **${event.source}**: ${event.summary}${event.previous ? ` (follows ${event.previous})` : ''}`;
    case 'reopened':
      return `Alert fired again (${event.source}) before the resolve was confirmed`;
    case 'alerts-resolved':
      return `Alerts resolved (${event.source}); check502 re-checks before closing`;
    case 'diagnosis': {
      const cause = event.primaryCause
        ? `primary cause \`${event.primaryCause}\`${event.title ? ` — ${event.title}` : ''}`
        : 'no primary cause';
      const rays =
        event.rayIds.length > 0
          ? `; Ray ID${event.rayIds.length > 1 ? 's' : ''} ${event.rayIds.join(', ')}`
          : '';
      const others = event.errors.filter((c) => c !== event.primaryCause);
      return `Diagnosis: **${event.verdict}**, ${cause}${rays}${others.length ? `; also ${others.map((c) => `\`${c}\``).join(', ')}` : ''}`;
    }
    case 'recheck':
      return `Re-check: **${event.verdict}**${event.primaryCause ? ` (\`${event.primaryCause}\`)` : ''} → ${recheckOutcome(event.outcome)}`;
    case 'watch':
      return watchText(event);
    case 'storm':
      return `Part of alert storm ${event.storm} (several sites failing together)`;
    case 'resolved':
      return '**Recovered**: alerts cleared and check502 agrees';
  }
}

function watchText(event: WatchHistoryEvent): string {
  const by = event.by ? ` by ${event.by}` : '';
  if (event.phase === 'started') return `Watch started${by}: ${event.note}`;
  if (event.phase === 'ended') {
    const outcome = event.outcome === 'recovered' ? '**recovered**' : (event.outcome ?? 'ended');
    return `Watch ended${by}: ${outcome} — ${event.note}`;
  }
  const cause = event.primaryCause ? ` (\`${event.primaryCause}\`)` : '';
  return `Watch: ${event.verdict ? `**${event.verdict}**` : 'change'}${cause} — ${event.note}`;
}

function recheckOutcome(outcome: string): string {
  if (outcome === 'resolved') return 'incident closed';
  if (outcome === 'retry') return 'still failing, checking again';
  if (outcome === 'gave-up') return 'still failing, incident kept open';
  return outcome;
}

/** `2026-03-02 13:08:45`. */
function stamp(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : iso;
}

/** `4 min 12 s`, `1 h 3 min`, `850 ms`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 s';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** Text in one table cell: no pipes or line breaks to break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
