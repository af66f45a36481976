// Watches in Redis, so a watch outlives the worker running it: one JSON record per watch, written
// only by compare-and-set on its version (a run and a Stop may race; one wins, the other re-reads),
// one key per platform and site naming the watch that holds it (a second request joins), and two
// sorted sets (all watches, per channel) scored by when each ends, for the limits. Starting checks
// the site, the limits and writes all of it in one Lua script, so two requests cannot both pass.
import type { Redis } from 'ioredis';
import type { Platform, ReplyTarget, ThreadRef } from '../chat/sink.js';
import type { Report } from '../diagnosis/report.js';
import { watchSiteKey } from './watch-keys.js';
import type { WatchEvent, WatchState } from './watch-state.js';

export interface WatchRecord {
  id: string;
  site: string;
  /** What the user typed (keeps a URL's path). */
  input: string;
  reply: ReplyTarget;
  requestedBy?: string;
  state: WatchState;
  /** Bumped by every save. */
  version: number;
  /** The latest report (root edits and summaries show it). */
  report?: Report;
  /** The events the latest run produced, kept until posted (a retried run posts them, once). */
  lastRun?: { run: number; events: WatchEvent[] };
  thread?: ThreadRef;
  /** The plain diagnosis running when the watch started (its job id): the first run waits for it and goes on in its thread. */
  joins?: string;
  stoppedBy?: string;
  /** The outcome is posted and the site released: nothing more will happen. */
  finished?: true;
}

export interface WatchLimits {
  perChannel: number;
  global: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = { perChannel: 5, global: 100 };

export type StartResult =
  | { result: 'started' }
  | { result: 'joined'; id: string }
  | { result: 'channel_limit' | 'global_limit' };

/** How long a record is kept after its watch ends (a late Stop click still finds it). */
const KEEP_AFTER_END_MS = 24 * 3600_000;

// KEYS: site, running, channel, record. ARGV: id, json, nowMs, endsAtMs, perChannel, global, ttlMs.
const START = `
local current = redis.call('GET', KEYS[1])
if current then return {'joined', current} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[6]) then return {'global_limit'} end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then return {'channel_limit'} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[7])
return {'started'}`;

// KEYS: record. ARGV: expected version, json. Keeps the key's TTL.
const SAVE_IF_VERSION = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, decoded = pcall(cjson.decode, current)
if not ok or type(decoded) ~= 'table' or tostring(decoded.version) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

// KEYS: site, running, channel. ARGV: id. Frees the site only while it is still this watch's.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1`;

export class WatchStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private recordKey(id: string): string {
    return `${this.prefix}:watch:rec:${id}`;
  }
  private siteKey(platform: Platform, site: string): string {
    return watchSiteKey(this.prefix, platform, site);
  }
  private get runningKey(): string {
    return `${this.prefix}:watch:running`;
  }
  private channelKey(reply: ReplyTarget): string {
    return `${this.prefix}:watch:channel:${reply.platform}:${reply.channel}`;
  }

  async start(record: WatchRecord, limits: WatchLimits, now: number): Promise<StartResult> {
    const ttl = record.state.endsAt - now + KEEP_AFTER_END_MS;
    const answer = (await this.redis.eval(
      START,
      4,
      this.siteKey(record.reply.platform, record.site),
      this.runningKey,
      this.channelKey(record.reply),
      this.recordKey(record.id),
      record.id,
      JSON.stringify(record),
      String(now),
      String(record.state.endsAt),
      String(limits.perChannel),
      String(limits.global),
      String(Math.max(60_000, Math.round(ttl))),
    )) as string[];
    const [result, id] = answer;
    if (result === 'joined') return { result, id: id ?? '' };
    if (result === 'started' || result === 'channel_limit' || result === 'global_limit') return { result };
    throw new Error(`unexpected answer from the watch start script: ${String(result)}`);
  }

  async get(id: string): Promise<WatchRecord | undefined> {
    return decode(await this.redis.get(this.recordKey(id)));
  }

  /** The watch holding a site on a platform, if one runs. */
  async running(platform: Platform, site: string): Promise<WatchRecord | undefined> {
    const id = await this.redis.get(this.siteKey(platform, site));
    if (id === null) return undefined;
    const record = await this.get(id);
    return record && !record.state.outcome ? record : undefined;
  }

  /**
   * Applies `change` to the latest record and saves it if nobody saved in between (else re-reads and
   * tries again). `change` answers undefined to leave the record as it is.
   */
  async update(
    id: string,
    change: (record: WatchRecord) => WatchRecord | undefined,
  ): Promise<{ before: WatchRecord; after: WatchRecord; saved: boolean } | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const before = await this.get(id);
      if (!before) return undefined;
      const changed = change(before);
      if (!changed) return { before, after: before, saved: false };
      const after: WatchRecord = { ...changed, version: before.version + 1 };
      const ok = await this.redis.eval(
        SAVE_IF_VERSION,
        1,
        this.recordKey(id),
        String(before.version),
        JSON.stringify(after),
      );
      if (ok === 1) return { before, after, saved: true };
    }
    throw new Error(`watch ${id} kept changing under 10 attempts to save it`);
  }

  /** Frees the site and the watch's place in the limits (the record stays a day, for late clicks). */
  async release(record: Pick<WatchRecord, 'id' | 'site' | 'reply'>): Promise<void> {
    await this.redis.eval(
      RELEASE,
      3,
      this.siteKey(record.reply.platform, record.site),
      this.runningKey,
      this.channelKey(record.reply),
      record.id,
    );
  }

  /** Watches counted against the global limit (started, not ended or expired). */
  async count(now = Date.now()): Promise<number> {
    return this.redis.zcount(this.runningKey, String(now), '+inf');
  }
}

function decode(raw: string | null): WatchRecord | undefined {
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as WatchRecord;
    return typeof value.id === 'string' && typeof value.version === 'number' && value.state
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}
