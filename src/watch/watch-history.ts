// Watch results in the incident timeline: a watch's start, each change it saw and its outcome are
// appended to the site's incident (the `watch` history event) while that incident is open or just
// closed (appendForSite decides). A site with no such incident keeps no timeline entry.
import type { IncidentHistory, WatchHistoryEvent } from '../incidents/incident-history.js';

export type WatchHistoryEntry = Omit<WatchHistoryEvent, 'type'>;

/** Where a watch's start, changes and outcome are recorded for the incident timeline. */
export interface WatchHistory {
  record(site: string, entry: WatchHistoryEntry): Promise<void>;
}

export function incidentWatchHistory(incidents: {
  history: Pick<IncidentHistory, 'appendForSite'>;
}): WatchHistory {
  return {
    async record(site, entry) {
      await incidents.history.appendForSite(site, { type: 'watch', ...entry });
    },
  };
}
