// What a sink must remember between calls about a thread it answers in, kept where every worker
// sees it: a job retried on another worker (its first worker died) edits the same root through the
// same interaction, shows the same hint and leaves the same dead channels alone. Roles use the
// Redis implementation (src/jobs/thread-state-store.ts, beside the post ledger); this in-process
// one serves the CLI and tests that build a sink alone.
import type { Report } from '../diagnosis/report.js';
import { BoundedMap } from './bounded-map.js';
import type { Platform, ReplyTarget } from './sink.js';

export type Interaction = NonNullable<Extract<ReplyTarget, { platform: 'discord' }>['interaction']>;

/** What a root message's later edits need. */
export interface RootMemory {
  /** Discord: the interaction whose (deferred) response is the root; edited with its token while it lives. */
  interaction?: Interaction;
  /** The last report shown on the root: an incident update carries none and keeps showing it. */
  report?: Report;
  /** Discord: the guild of the thread started from the root (a repeat of the start does not say it). */
  guild?: string;
  /** A line telling people what to fix (a permission, a deleted thread), shown when the root is edited. */
  hint?: string;
}

export interface ThreadState {
  root(platform: Platform, root: string): Promise<RootMemory>;
  /** Merges `fields` into what is remembered of the root. */
  remember(platform: Platform, root: string, fields: RootMemory): Promise<void>;
  /** A channel that answered "unreachable" within the last `ttlMs` given to markUnreachable. */
  isUnreachable(platform: Platform, channel: string): Promise<boolean>;
  /** True when this call marked it (the first failure is the one worth logging). */
  markUnreachable(platform: Platform, channel: string, ttlMs: number): Promise<boolean>;
}

export function memoryThreadState(now: () => number = Date.now): ThreadState {
  const roots = new BoundedMap<string, RootMemory>(2000);
  const dead = new BoundedMap<string, number>(2000);
  return {
    async root(platform, root) {
      return { ...roots.get(`${platform}:${root}`) };
    },
    async remember(platform, root, fields) {
      const key = `${platform}:${root}`;
      roots.set(key, { ...roots.get(key), ...fields });
    },
    async isUnreachable(platform, channel) {
      const until = dead.get(`${platform}:${channel}`);
      return until !== undefined && now() < until;
    },
    async markUnreachable(platform, channel, ttlMs) {
      const key = `${platform}:${channel}`;
      const until = dead.get(key);
      dead.set(key, now() + ttlMs);
      return until === undefined || now() >= until;
    },
  };
}
