// EVALSHA with a fallback to EVAL on NOSCRIPT (a restarted or fresh Redis), so the script text
// travels once per server rather than with every alert batch. The scripts build their key names
// from the prefix, so each call declares one key of the prefix's slot (`slotKey`): Redis Cluster
// routes the call to the node owning that slot, and every key the script touches shares it when
// the prefix carries a hash tag ({check502}).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LuaScript {
  source: string;
  sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export async function runScript(
  redis: Redis,
  script: LuaScript,
  slotKey: string,
  args: readonly string[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, 1, slotKey, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
    return redis.eval(script.source, 1, slotKey, ...args);
  }
}
