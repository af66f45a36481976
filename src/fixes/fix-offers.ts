// The fixes offered under a summary: each plan is kept in Redis for a day under a short random id
// that fits a Slack button value and a Discord custom_id, with the thread it was offered in. A click
// names the id; the plan itself (from → to) never travels through the chat platform.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { FixOfferRecord, FixOffers } from '../chat/front/fix-request.js';
import type { ThreadRef } from '../chat/sink.js';
import type { FixPlan } from './fix-plan.js';

const OFFER_TTL_S = 86_400;

export function createFixOffers(
  redis: Pick<Redis, 'set' | 'get'>,
  prefix = 'check502',
): FixOffers & {
  offer(plans: FixPlan[], thread: ThreadRef): Promise<{ id: string; title: string }[]>;
  rememberThread(fixId: string, thread: ThreadRef): Promise<void>;
} {
  const key = (...parts: string[]) => [prefix, 'fix', ...parts].join(':');
  return {
    async offer(plans, thread) {
      return Promise.all(
        plans.map(async (plan) => {
          const id = randomBytes(9).toString('base64url');
          const record: FixOfferRecord = { plan, thread };
          await redis.set(key('offer', id), JSON.stringify(record), 'EX', OFFER_TTL_S);
          return { id, title: plan.title };
        }),
      );
    },
    async get(id) {
      if (!/^[A-Za-z0-9_-]{1,40}$/.test(id)) return undefined;
      const raw = await redis.get(key('offer', id));
      return raw ? (JSON.parse(raw) as FixOfferRecord) : undefined;
    },
    async rememberThread(fixId, thread) {
      await redis.set(key('thread', fixId), JSON.stringify(thread), 'EX', OFFER_TTL_S);
    },
    async threadOf(fixId) {
      const raw = await redis.get(key('thread', fixId));
      return raw ? (JSON.parse(raw) as ThreadRef) : undefined;
    },
  };
}
