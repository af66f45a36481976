// Which diagnosis is running for a site, so later requests join it instead of starting another.
// One key per platform and site, holding the job id and (once the root is posted) its thread; the
// TTL bounds how long a crashed run can keep capturing requests.
import type { Redis } from 'ioredis';
import type { Platform, ThreadRef } from '../chat/sink.js';

export interface ActiveRun {
  jobId: string;
  thread?: ThreadRef;
}

export const ACTIVE_RUN_TTL_MS = 10 * 60_000;

// Replace the value only while it still belongs to the given job (a newer run may have taken over).
const IF_OWNER = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, decoded = pcall(cjson.decode, current)
if not ok or decoded.jobId ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') end
return 1`;

export class ActiveRuns {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = ACTIVE_RUN_TTL_MS,
  ) {}

  key(platform: Platform, site: string): string {
    return `${this.prefix}:active:${platform}:${site}`;
  }

  /** Claims the site for `jobId`; returns the run already holding it, or undefined when claimed. */
  async claim(platform: Platform, site: string, run: ActiveRun): Promise<ActiveRun | undefined> {
    const key = this.key(platform, site);
    for (let attempt = 0; attempt < 3; attempt++) {
      const set = await this.redis.set(key, JSON.stringify(run), 'PX', this.ttlMs, 'NX');
      if (set === 'OK') return undefined;
      const existing = decode(await this.redis.get(key));
      if (existing) return existing;
      // Expired between the two calls, or unreadable: take it over.
      if (attempt > 0) await this.redis.del(key);
    }
    throw new Error(`could not claim ${key}`);
  }

  /** Overwrites the site's run (re-runs take over the site for later joiners). */
  async replace(platform: Platform, site: string, run: ActiveRun): Promise<void> {
    await this.redis.set(this.key(platform, site), JSON.stringify(run), 'PX', this.ttlMs);
  }

  get(platform: Platform, site: string): Promise<ActiveRun | undefined> {
    return this.redis.get(this.key(platform, site)).then(decode);
  }

  async attachThread(platform: Platform, site: string, jobId: string, thread: ThreadRef): Promise<void> {
    await this.redis.eval(IF_OWNER, 1, this.key(platform, site), jobId, JSON.stringify({ jobId, thread }));
  }

  async release(platform: Platform, site: string, jobId: string): Promise<void> {
    await this.redis.eval(IF_OWNER, 1, this.key(platform, site), jobId, '');
  }
}

function decode(raw: string | null): ActiveRun | undefined {
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as ActiveRun;
    return typeof value.jobId === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
