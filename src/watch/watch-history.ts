// Watch results in the incident timeline: a watch's start, each change it saw and its outcome are
// appended to the site's incident (the existing `watch` history event) while that incident is open,
// or when it closed after the watch began. A site with no such incident keeps no timeline entry.
import type { IncidentService } from '../incidents/incident-service.js';
import type { WatchHistory } from './watch-workers.js';

export function incidentWatchHistory(incidents: Pick<IncidentService, 'store' | 'history'>): WatchHistory {
  return {
    async record(site, sinceMs, event) {
      const id = await incidents.store.currentOf(site);
      if (id === undefined) return;
      const incident = await incidents.store.get(id);
      if (!incident) return;
      const closedBefore =
        incident.state === 'resolved' && Date.parse(incident.resolvedAt ?? incident.lastSeen) < sinceMs;
      if (closedBefore) return;
      await incidents.history.append(id, { type: 'watch', ...event });
    },
  };
}
