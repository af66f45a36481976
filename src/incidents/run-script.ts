// EVALSHA with a fallback to EVAL on NOSCRIPT (a restarted or fresh Redis), so the script text
// travels once per server rather than with every alert batch. The scripts build their key names
// from the prefix, so each call declares one key of the prefix's slot (`slotKey`): Redis Cluster
// routes the call to the node owning that slot, and every key the script touches shares it when
// the prefix carries a hash tag ({check502}).
//
// The call is sent as it is, past the client's auto-pipelining: the callers already batch (one script
// call for a whole turn of alerts), and an auto-pipeline for one command builds a Pipeline object
// that copies every script BullMQ defined on the shared connection (~1.4 µs an alert in a storm).
import { createHash } from 'node:crypto';
import { Command, type Redis } from 'ioredis';

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
    return await send(redis, 'evalsha', [script.sha, 1, slotKey, ...args]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
    return send(redis, 'eval', [script.source, 1, slotKey, ...args]);
  }
}

function send(redis: Redis, name: string, args: Array<string | number>): Promise<unknown> {
  const command = new Command(name, args, { replyEncoding: 'utf8' });
  redis.sendCommand(command);
  return command.promise;
}
