// What guarded fixes keep in Redis: a once-key per change (so a double click or a retried job
// applies it once), each attempt's outcome, the Undo for an hour, and the audit trail (a stream:
// who, what, when, before/after, result) that holds every attempt, refused and failed ones too.
import type { Redis } from 'ioredis';
import type { FixPlan } from './fix-plan.js';

export type RedisLike = Pick<Redis, 'set' | 'get' | 'del' | 'xadd' | 'xrange'>;

export interface FixActor {
  platform: 'cli' | 'slack' | 'discord';
  /** Slack user ID, Discord user ID, or the local user for the CLI. */
  user: string;
  name?: string;
}

export interface AuditEntry {
  at: string;
  fixId: string;
  site: string;
  action: string;
  who: string;
  what: string;
  before: string;
  after: string;
  result: string;
  reason: string;
}

export interface FixStore {
  /** Claims the change for this request; a retry of the same request claims it again. */
  claim(onceKey: string, requestId: string): Promise<{ mine: true } | { mine: false; holder: string }>;
  release(onceKey: string, requestId: string): Promise<void>;
  saveOutcome(requestId: string, outcome: unknown): Promise<void>;
  outcome<T>(requestId: string): Promise<T | undefined>;
  saveUndo(fixId: string, inverse: FixPlan, seconds: number): Promise<void>;
  takeUndo(fixId: string): Promise<FixPlan | undefined>;
  /** Puts an Undo back when it could not be applied, so it can be tried again. */
  restoreUndo(fixId: string, inverse: FixPlan, seconds: number): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
  trail(count?: number): Promise<AuditEntry[]>;
}

const DAY_S = 86_400;

export function createFixStore(redis: RedisLike, prefix = 'check502'): FixStore {
  const k = (...parts: string[]) => [prefix, 'fix', ...parts].join(':');
  const auditKey = k('audit');
  return {
    async claim(onceKey, requestId) {
      const set = await redis.set(k('once', onceKey), requestId, 'EX', DAY_S, 'NX');
      if (set === 'OK') return { mine: true };
      const holder = (await redis.get(k('once', onceKey))) ?? '';
      return holder === requestId ? { mine: true } : { mine: false, holder };
    },
    async release(onceKey, requestId) {
      if ((await redis.get(k('once', onceKey))) === requestId) await redis.del(k('once', onceKey));
    },
    async saveOutcome(requestId, outcome) {
      await redis.set(k('outcome', requestId), JSON.stringify(outcome), 'EX', DAY_S);
    },
    async outcome<T>(requestId: string) {
      const raw = await redis.get(k('outcome', requestId));
      return raw ? (JSON.parse(raw) as T) : undefined;
    },
    async saveUndo(fixId, inverse, seconds) {
      await redis.set(k('undo', fixId), JSON.stringify(inverse), 'EX', seconds);
    },
    async takeUndo(fixId) {
      // GET + DEL by value: two Undo clicks race, one wins.
      const raw = await redis.get(k('undo', fixId));
      if (!raw) return undefined;
      const removed = await redis.del(k('undo', fixId));
      return removed === 1 ? (JSON.parse(raw) as FixPlan) : undefined;
    },
    async restoreUndo(fixId, inverse, seconds) {
      await redis.set(k('undo', fixId), JSON.stringify(inverse), 'EX', Math.max(1, seconds));
    },
    async audit(entry) {
      const fields = Object.entries(entry).flat();
      await redis.xadd(auditKey, 'MAXLEN', '~', '100000', '*', ...fields);
    },
    async trail(count = 1000) {
      const rows = await redis.xrange(auditKey, '-', '+', 'COUNT', count);
      return rows.map(([, fields]) => {
        const o: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) o[fields[i] as string] = fields[i + 1] as string;
        return o as unknown as AuditEntry;
      });
    },
  };
}
