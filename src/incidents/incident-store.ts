// Incident state in Redis (see ingest-script.ts for the keys). Everything that must agree across
// front processes and workers goes through the two Lua scripts; the rest are idempotent field writes.
import type { Redis } from 'ioredis';
import type { Platform, ThreadRef } from '../chat/sink.js';
import type { Report } from '../diagnosis/report.js';
import type { Alert } from './alert.js';
import { INGEST_SCRIPT, SETTLE_SCRIPT } from './ingest-script.js';
import { hashClaims } from './post-claims.js';
import { luaScript, runScript } from './run-script.js';

export type IngestAction =
  | 'opened'
  | 'counted'
  | 'reopened'
  | 'duplicate'
  | 'stale'
  | 'resolving'
  | 'resolve-partial';

export interface IngestEffect {
  /** Index in the batch passed to ingest. */
  i: number;
  action: IngestAction;
  id: string;
  gen?: number;
  /** The incident's root message is not confirmed posted yet. */
  needsOpen?: boolean;
  /** This alert is the first counted since the last root edit window: queue an edit. */
  edit?: boolean;
}

export type IncidentState = 'open' | 'resolving' | 'resolved';

export interface IncidentRecord {
  id: string;
  site: string;
  state: IncidentState;
  alerts: number;
  active: number;
  gen: number;
  rechecks: number;
  firstSeen: string;
  lastSeen: string;
  summary: string;
  previous?: string;
  opened: boolean;
  threads: Partial<Record<Platform, ThreadRef>>;
  /**
   * Where the incident is posted when the alert that opened it named a channel (a monitor's): these
   * platforms and channels instead of ALERT_*_CHANNEL. Empty for webhook incidents.
   */
  routes: Partial<Record<Platform, string>>;
  /** Roots posted by an attempt whose thread step then failed; the retry builds on them. */
  pendingRoots: Partial<Record<Platform, ThreadRef>>;
  /** Alerts count and time of the last threaded "more alerts" note. */
  noteAlerts: number;
  noteAt: string;
  /** Alert count the root messages last showed. */
  rendered: number;
  report?: Report;
  resolvedAt?: string;
  sources: string[];
  /** The alert storm this incident is part of. */
  storm?: string;
}

export interface IncidentStoreOptions {
  redis: Redis;
  /** Key prefix, e.g. `check502` (use `{check502}` on Redis Cluster). */
  prefix: string;
  /** How long a delivery's identity is remembered for dedupe (default 7 days). */
  seenTtlSeconds?: number;
  /** At most one root edit per incident per this many ms. */
  editIntervalMs: number;
}

const BATCH = 500;
const INGEST = luaScript(INGEST_SCRIPT);
const SETTLE = luaScript(SETTLE_SCRIPT);
export function createIncidentStore(options: IncidentStoreOptions) {
  const { redis } = options;
  const P = `${options.prefix}:incident-state`;
  const seenTtl = options.seenTtlSeconds ?? 7 * 24 * 3600;
  const incKey = (id: string) => `${P}:inc:${id}`;

  async function ingest(alerts: readonly Alert[], now: Date): Promise<IngestEffect[]> {
    const effects: IngestEffect[] = [];
    for (let from = 0; from < alerts.length; from += BATCH) {
      // Only what the script reads (a plain map: JSON.stringify with a key list is ~30 % slower).
      const batch = alerts.slice(from, from + BATCH).map((a) => ({
        site: a.site,
        status: a.status,
        fingerprint: a.fingerprint,
        start: a.start,
        source: a.source,
        summary: a.summary,
        ...(a.route ? { route: a.route } : {}),
      }));
      const raw = (await runScript(redis, INGEST, P, [
        P,
        now.toISOString(),
        String(now.getTime()),
        String(seenTtl),
        String(options.editIntervalMs),
        JSON.stringify(batch),
      ])) as string;
      // Fresh objects from JSON.parse: renumbered in place rather than copied.
      for (const effect of JSON.parse(raw) as IngestEffect[]) {
        effect.i += from;
        effects.push(effect);
      }
    }
    return effects;
  }

  async function get(id: string): Promise<IncidentRecord | undefined> {
    const [[, hash], [, sources]] = (await redis
      .multi()
      .hgetall(incKey(id))
      .smembers(`${incKey(id)}:sources`)
      .exec()) as [[unknown, Record<string, string>], [unknown, string[]]];
    if (!hash?.['id']) return undefined;
    const threads: Partial<Record<Platform, ThreadRef>> = {};
    const pendingRoots: Partial<Record<Platform, ThreadRef>> = {};
    const routes: Partial<Record<Platform, string>> = {};
    for (const platform of ['slack', 'discord'] as const) {
      const route = hash[`route:${platform}`];
      if (route) routes[platform] = route;
      const ref = hash[`thread:${platform}`];
      if (ref) threads[platform] = JSON.parse(ref) as ThreadRef;
      const pending = hash[`pendingRoot:${platform}`];
      if (pending) pendingRoots[platform] = JSON.parse(pending) as ThreadRef;
    }
    const record: IncidentRecord = {
      id: hash['id'],
      site: hash['site'] ?? '',
      state: (hash['state'] ?? 'open') as IncidentState,
      alerts: Number(hash['alerts'] ?? 0),
      active: Number(hash['active'] ?? 0),
      gen: Number(hash['gen'] ?? 0),
      rechecks: Number(hash['rechecks'] ?? 0),
      firstSeen: hash['firstSeen'] ?? '',
      lastSeen: hash['lastSeen'] ?? hash['firstSeen'] ?? '',
      summary: hash['summary'] ?? '',
      opened: hash['opened'] === '1',
      threads,
      routes,
      pendingRoots,
      noteAlerts: Number(hash['noteAlerts'] ?? 0),
      noteAt: hash['noteAt'] ?? '',
      rendered: Number(hash['renderedAlerts'] ?? 0),
      sources: (sources ?? []).sort(),
    };
    if (hash['previous']) record.previous = hash['previous'];
    if (hash['report']) record.report = JSON.parse(hash['report']) as Report;
    if (hash['resolvedAt']) record.resolvedAt = hash['resolvedAt'];
    if (hash['storm']) record.storm = hash['storm'];
    return record;
  }

  return {
    ingest,
    get,
    /** Current incident of a site (open, resolving or the last resolved one). */
    async currentOf(site: string): Promise<string | undefined> {
      return (await redis.hget(`${P}:site:${site}`, 'current')) ?? undefined;
    },
    /** Claims a one-time step (posting a root, a note); false when someone already did or is doing it. */
    claim: (id: string, step: string, token = '') => hashClaims(redis, incKey(id)).claim(step, token),
    release: (id: string, step: string) => hashClaims(redis, incKey(id)).release(step),
    /** The incident's one-time steps, for post-claims.ts. */
    steps: (id: string) => hashClaims(redis, incKey(id)),
    async setPendingRoot(id: string, root: ThreadRef): Promise<void> {
      await redis.hset(incKey(id), `pendingRoot:${root.platform}`, JSON.stringify(root));
    },
    async setThread(id: string, thread: ThreadRef): Promise<void> {
      await redis.hset(incKey(id), `thread:${thread.platform}`, JSON.stringify(thread));
    },
    async setFields(id: string, fields: Record<string, string | number>): Promise<void> {
      await redis.hset(incKey(id), fields);
    },
    async setReport(id: string, report: Report): Promise<void> {
      await redis.hset(incKey(id), 'report', JSON.stringify(report));
    },
    async settleRecheck(id: string, gen: number, healthy: boolean, now: Date, maxRechecks: number) {
      return (await runScript(redis, SETTLE, P, [
        incKey(id),
        String(gen),
        healthy ? '1' : '0',
        now.toISOString(),
        String(maxRechecks),
        `${P}:open`,
        id,
      ])) as 'skip' | 'resolved' | 'retry' | 'gave-up';
    },
    /** Incidents not yet resolved, oldest activity first (bounded). */
    async openIds(limit = 1000): Promise<string[]> {
      return redis.zrange(`${P}:open`, '0', String(limit - 1));
    },
  };
}

export type IncidentStore = ReturnType<typeof createIncidentStore>;
