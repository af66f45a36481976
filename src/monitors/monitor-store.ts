// Monitors in Redis, so they survive restarts: one hash of monitor id → JSON. Adding checks the
// per-channel and global limits atomically (a Lua script), so two adds racing cannot pass a limit.
import type { Redis } from 'ioredis';
import type { Platform } from '../chat/sink.js';
import type { Monitor, MonitorLimits } from './monitor.js';

// KEYS[1] hash; ARGV: id, json, channel prefix ("platform|channel|"), per-channel limit, global limit.
const ADD = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 'updated'
end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return 'global_limit' end
local n = 0
for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(id, 1, #ARGV[3]) == ARGV[3] then n = n + 1 end
end
if n >= tonumber(ARGV[4]) then return 'channel_limit' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'added'`;

const SAVE_IF_UNCHANGED = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local ok, decoded = pcall(cjson.decode, current)
local version = 0
if ok and type(decoded) == 'table' and type(decoded.version) == 'number' then version = decoded.version end
if tostring(version) ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

export type AddResult = 'added' | 'updated' | 'channel_limit' | 'global_limit';

export class MonitorStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:monitors`;
  }

  async add(monitor: Monitor, limits: MonitorLimits): Promise<AddResult> {
    const channelPrefix = `${monitor.platform}|${monitor.channel}|`;
    const answer = await this.redis.eval(
      ADD,
      1,
      this.key,
      monitor.id,
      JSON.stringify(monitor),
      channelPrefix,
      String(limits.perChannel),
      String(limits.global),
    );
    return answer as AddResult;
  }

  async get(id: string): Promise<Monitor | undefined> {
    return decode(await this.redis.hget(this.key, id));
  }

  /**
   * Saves a monitor's state if it still exists (a removed monitor stays removed) and nobody saved it
   * since `monitor.version` was read: checks of one monitor may overlap, and only one may move it.
   */
  async save(monitor: Monitor): Promise<Monitor | undefined> {
    const next: Monitor = { ...monitor, version: (monitor.version ?? 0) + 1 };
    const answer = await this.redis.eval(
      SAVE_IF_UNCHANGED,
      1,
      this.key,
      monitor.id,
      JSON.stringify(next),
      String(monitor.version ?? 0),
    );
    return answer === 1 ? next : undefined;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key, id)) === 1;
  }

  async list(platform: Platform, channel: string): Promise<Monitor[]> {
    const all = await this.redis.hgetall(this.key);
    const prefix = `${platform}|${channel}|`;
    return Object.entries(all)
      .filter(([id]) => id.startsWith(prefix))
      .flatMap(([, raw]) => {
        const m = decode(raw);
        return m ? [m] : [];
      })
      .sort((a, b) => a.site.localeCompare(b.site));
  }

  async all(): Promise<Monitor[]> {
    return Object.values(await this.redis.hgetall(this.key)).flatMap((raw) => {
      const m = decode(raw);
      return m ? [m] : [];
    });
  }
}

function decode(raw: string | null | undefined): Monitor | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Monitor;
    return typeof value.id === 'string' && typeof value.site === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
