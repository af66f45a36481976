// Alert storms in Redis: when incidents open for `minSites` different sites within `windowMs`, they
// become one storm, and every incident opening while the storm is active (an open within the window of
// the last one) joins it. One Lua script decides, so two fronts receiving the same storm agree on one
// storm. Keys (P = `<prefix>:incident-state`): P:storm:recent (zset incident id → opened ms) ·
// P:storm:current (the active storm id, expires with the window) · P:storm:seq · P:storm:<sid> (hash:
// startedAt, lastAt, msg:<platform> refs, probe:<incident id> reports) · P:storm:<sid>:incidents
// (zset incident id → opened ms) · and the incident hash's `storm` field.
import type { Redis } from 'ioredis';
import type { Platform, ThreadRef } from '../chat/sink.js';
import type { Report } from '../diagnosis/report.js';
import { hashClaims } from './post-claims.js';
import { luaScript, runScript } from './run-script.js';

export const STORM_SCRIPT = `
local P = ARGV[1]
local nowMs = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local minSites = tonumber(ARGV[4])
local ids = cjson.decode(ARGV[5])
local recent = P .. ':storm:recent'
redis.call('ZREMRANGEBYSCORE', recent, '-inf', nowMs - windowMs)
for _, id in ipairs(ids) do redis.call('ZADD', recent, nowMs, id) end
redis.call('PEXPIRE', recent, windowMs)
local current = redis.call('GET', P .. ':storm:current')
local members = {}
local created = false
if not current then
  if redis.call('ZCARD', recent) < minSites then return '{}' end
  current = 'storm-' .. redis.call('INCR', P .. ':storm:seq')
  local all = redis.call('ZRANGE', recent, 0, -1, 'WITHSCORES')
  for k = 1, #all, 2 do members[#members + 1] = { all[k], all[k + 1] } end
  local first = members[1] and tonumber(members[1][2]) or nowMs
  redis.call('HSET', P .. ':storm:' .. current, 'id', current, 'startedMs', first, 'lastMs', nowMs)
  created = true
else
  for _, id in ipairs(ids) do members[#members + 1] = { id, nowMs } end
  redis.call('HSET', P .. ':storm:' .. current, 'lastMs', nowMs)
end
local added = 0
for _, m in ipairs(members) do
  if redis.call('ZADD', P .. ':storm:' .. current .. ':incidents', 'NX', m[2], m[1]) == 1 then
    redis.call('HSET', P .. ':inc:' .. m[1], 'storm', current)
    added = added + 1
  end
end
redis.call('SET', P .. ':storm:current', current, 'PX', windowMs)
return cjson.encode({ storm = current, created = created, added = added })
`;

const STORM = luaScript(STORM_SCRIPT);

export interface StormNote {
  storm: string;
  created: boolean;
  added: number;
}

export interface StormRecord {
  id: string;
  startedAt: string;
  lastAt: string;
  /** Incident ids, in the order they opened. */
  incidents: string[];
  messages: Partial<Record<Platform, ThreadRef>>;
  /** Reports of the storm's own quick checks, by incident id. */
  probes: Record<string, Report>;
}

export interface StormSettings {
  /** Sites opening within the window that make a storm (default 3). */
  minSites: number;
  /** How close together the openings must be (default 3 minutes). */
  windowMs: number;
}

export const DEFAULT_STORM: StormSettings = { minSites: 3, windowMs: 3 * 60_000 };

export function createStormStore(redis: Redis, prefix: string, settings: StormSettings = DEFAULT_STORM) {
  const P = `${prefix}:incident-state`;
  const key = (sid: string) => `${P}:storm:${sid}`;
  return {
    /** Records incidents that just opened; says whether they started or joined a storm. */
    async noteOpened(ids: readonly string[], now: Date): Promise<StormNote | undefined> {
      if (ids.length === 0) return undefined;
      const raw = (await runScript(redis, STORM, P, [
        P,
        String(now.getTime()),
        String(settings.windowMs),
        String(settings.minSites),
        JSON.stringify(ids),
      ])) as string;
      const note = JSON.parse(raw) as Partial<StormNote>;
      return note.storm ? (note as StormNote) : undefined;
    },
    async get(sid: string): Promise<StormRecord | undefined> {
      const [[, hash], [, ids]] = (await redis
        .multi()
        .hgetall(key(sid))
        .zrange(`${key(sid)}:incidents`, '0', '-1')
        .exec()) as [[unknown, Record<string, string>], [unknown, string[]]];
      if (!hash?.['id']) return undefined;
      const messages: StormRecord['messages'] = {};
      const probes: StormRecord['probes'] = {};
      for (const [field, value] of Object.entries(hash)) {
        if (field.startsWith('msg:')) messages[field.slice(4) as Platform] = JSON.parse(value) as ThreadRef;
        if (field.startsWith('probe:')) probes[field.slice(6)] = JSON.parse(value) as Report;
      }
      return {
        id: sid,
        startedAt: new Date(Number(hash['startedMs'])).toISOString(),
        lastAt: new Date(Number(hash['lastMs'])).toISOString(),
        incidents: ids,
        messages,
        probes,
      };
    },
    async setMessage(sid: string, ref: ThreadRef): Promise<void> {
      await redis.hset(key(sid), `msg:${ref.platform}`, JSON.stringify(ref));
    },
    async setProbe(sid: string, incident: string, report: Report): Promise<void> {
      await redis.hset(key(sid), `probe:${incident}`, JSON.stringify(report));
    },
    /** The storm's one-time steps (posting its message per platform), for post-claims.ts. */
    steps: (sid: string) => hashClaims(redis, key(sid)),
  };
}

export type StormStore = ReturnType<typeof createStormStore>;
