// Guarded fixes in the long-running roles. The front (serve): a FixFront over the incident
// service's fail-fast Redis client (offers, the fix queue, the audit of refusals). The workers: the
// offers stored as a summary is posted, and the fix worker. With no CLOUDFLARE_FIX_TOKEN no fix
// button is ever drawn, and a stray click is answered "disabled" (and audited) without writing.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DiagnosisRequester } from '../chat/front/diagnosis-request.js';
import { createFixFront, type FixFront } from '../chat/front/fix-front.js';
import type { ChatSink, Platform, ThreadRef } from '../chat/sink.js';
import type { ServerConfig } from '../config.js';
import type { Report } from '../diagnosis/report.js';
import { createGuardedFixes } from '../fixes/create-guarded-fixes.js';
import { createFixRequester, startFixWorker } from '../fixes/fix-jobs.js';
import { createFixOffers } from '../fixes/fix-offers.js';
import { planFixes } from '../fixes/plan-fixes.js';
import { closeRedis, createWorkerRedis } from '../jobs/redis-clients.js';
import { redisTarget } from '../jobs/redis-target.js';

export function buildFixFront(
  config: ServerConfig,
  redis: Redis,
  logger: Logger,
): { front: FixFront; close(): Promise<void> } {
  const requester = createFixRequester(redis, config.queuePrefix);
  const service = createGuardedFixes(config, redis, config.queuePrefix);
  const front = createFixFront({
    enabled: service.enabled,
    offers: createFixOffers(redis, config.queuePrefix),
    requester,
    deny: async (plan, actor, reason) => {
      await service.deny(plan, actor, reason);
    },
    allowedUsers: config.fixAllowedUsers,
    allowedRoles: config.fixAllowedRoles,
    logger: logger.child({ component: 'fixes' }),
  });
  return { front, close: () => requester.close() };
}

export interface WorkerFixes {
  /** For the diagnosis workers: the offers to draw under a summary. */
  offer(report: Report, thread: ThreadRef): Promise<{ id: string; title: string }[]>;
  close(): Promise<void>;
}

/** Undefined without CLOUDFLARE_FIX_TOKEN: summaries then carry no fix buttons. */
export function startWorkerFixes(
  config: ServerConfig,
  sinks: Partial<Record<Platform, ChatSink>>,
  diagnoses: DiagnosisRequester,
  logger: Logger,
): WorkerFixes | undefined {
  if (!config.cloudflareFixToken) return undefined;
  const redis = createWorkerRedis(redisTarget(config));
  redis.on('error', () => {});
  const offers = createFixOffers(redis, config.queuePrefix);
  const worker = startFixWorker({
    redisUrl: redisTarget(config),
    prefix: config.queuePrefix,
    service: createGuardedFixes(config, redis, config.queuePrefix),
    offers,
    sinks,
    diagnoses,
    logger: logger.child({ component: 'fixes' }),
  });
  return {
    offer: (report, thread) => offers.offer(planFixes(report), thread),
    async close() {
      await worker.close();
      await closeRedis(redis);
    },
  };
}
