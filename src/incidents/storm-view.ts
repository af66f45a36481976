// Builds the storm message's view for one platform: the storm's sites in the order they failed, each
// with its own thread's link, and what they share (storm-cause.ts) from the reports known so far —
// an incident's own diagnosis, else the storm's quick check of it.
import type { ChatSink, Platform, StormView } from '../chat/sink.js';
import type { Report } from '../diagnosis/report.js';
import type { IncidentRecord, IncidentStore } from './incident-store.js';
import { commonCause } from './storm-cause.js';
import type { StormRecord } from './storm-store.js';

export interface StormMember {
  id: string;
  site: string;
  record?: IncidentRecord;
  report?: Report;
}

export async function stormMembers(storm: StormRecord, store: IncidentStore): Promise<StormMember[]> {
  const records = await Promise.all(storm.incidents.map((id) => store.get(id)));
  return storm.incidents.map((id, k) => {
    const record = records[k];
    const member: StormMember = { id, site: record?.site ?? id.replace(/#\d+$/, '') };
    if (record) member.record = record;
    const report = record?.report ?? storm.probes[id];
    if (report) member.report = report;
    return member;
  });
}

export function stormView(
  storm: StormRecord,
  members: readonly StormMember[],
  platform: Platform,
  sink: Pick<ChatSink, 'threadLink'> | undefined,
): StormView {
  const cause = commonCause(members);
  const sharing = new Set(cause?.sites ?? []);
  const view: StormView = {
    id: storm.id,
    since: storm.startedAt,
    diagnosed: members.filter((m) => m.report !== undefined).length,
    sites: members.map((m) => {
      const thread = m.record?.threads[platform];
      const link = thread ? sink?.threadLink?.(thread) : undefined;
      const entry: StormView['sites'][number] = { site: m.site };
      if (link) entry.link = link;
      if (sharing.has(m.site)) entry.shares = true;
      if (m.report?.primaryCause) entry.primaryCause = m.report.primaryCause;
      if (m.record?.state === 'resolved') entry.resolved = true;
      return entry;
    }),
  };
  if (cause) {
    const all = members.length;
    const k = cause.sites.length;
    const d = view.diagnosed;
    // Every site diagnosed so far shares it: say so for the storm, and how much of it was checked.
    view.cause =
      k === all
        ? cause.text
        : k === d
          ? `${all} sites, ${cause.what} (${d} of ${all} diagnosed so far)`
          : `${all} sites failing; ${k} of the ${d} diagnosed so far share ${cause.what}`;
  }
  return view;
}
