// EVALSHA with a fallback to EVAL on NOSCRIPT (a restarted or fresh Redis), so the script text
// travels once per server rather than with every alert batch.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LuaScript {
  source: string;
  sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export async function runScript(redis: Redis, script: LuaScript, args: readonly string[]): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, 0, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
    return redis.eval(script.source, 0, ...args);
  }
}
