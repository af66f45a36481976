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

// KEYS: the site's run, a key whose presence refuses the claim (a watch holding the site; checked
// only when ARGV[3] is '1'). ARGV: the run's JSON, TTL ms. One round trip whatever the answer: the
// SET NX, the read of the run holding the site, and the take-over of an unreadable value.
const CLAIM = `
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then return {'blocked'} end
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and type(decoded.jobId) == 'string' then return {'held', current} end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {'claimed'}`;

/** What a claim found: the site is now ours, another run holds it, or the blocking key exists. */
export type ClaimResult =
  | { claimed: true }
  | { claimed: false; held: ActiveRun }
  | { claimed: false; blocked: true };

export class ActiveRuns {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = ACTIVE_RUN_TTL_MS,
  ) {
    defineClaim(redis);
  }

  key(platform: Platform, site: string): string {
    return `${this.prefix}:active:${platform}:${site}`;
  }

  /**
   * Claims the site for `run.jobId`, or answers the run already holding it; refused (`blocked`)
   * while `blockingKey` exists. One Redis call.
   */
  async claim(platform: Platform, site: string, run: ActiveRun, blockingKey?: string): Promise<ClaimResult> {
    const key = this.key(platform, site);
    const client = this.redis as ClaimClient;
    const answer = (await client.check502ActiveClaim(
      key,
      blockingKey ?? key,
      JSON.stringify(run),
      this.ttlMs,
      blockingKey !== undefined ? '1' : '0',
    )) as [string, string?];
    if (answer[0] === 'claimed') return { claimed: true };
    if (answer[0] === 'blocked') return { claimed: false, blocked: true };
    const held = decode(answer[1] ?? null);
    if (answer[0] === 'held' && held) return { claimed: false, held };
    throw new Error(`unexpected answer from the claim script: ${String(answer[0])}`);
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

type ClaimClient = Redis & { check502ActiveClaim: (...args: (string | number)[]) => Promise<unknown> };

/**
 * The claim script as a client command (EVALSHA, loaded on first use), defined when ActiveRuns is
 * built rather than at the first claim: on an auto-pipelining client, a pipeline created before
 * the definition lacks the command and ioredis then throws outside any promise (seen: "results[i]
 * is not iterable", a crash). Two fixed keys: Cluster auto-pipelining routes by the first argument.
 */
function defineClaim(redis: Redis): void {
  if (!('check502ActiveClaim' in redis))
    redis.defineCommand('check502ActiveClaim', { numberOfKeys: 2, lua: CLAIM });
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
