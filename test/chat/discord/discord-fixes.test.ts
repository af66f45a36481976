// Guarded fixes in Discord: signed button clicks into the real route, the real FixFront over real
// Redis (offers, the fix queue, the audit trail), then the fix job run against the fake Cloudflare
// API. A member without an allowed role is refused and audited; an allowed one gets an ephemeral
// preview with a Confirm button and nothing is queued; Confirm (clicked twice) queues one job; the
// job writes once and posts the result with Undo; Undo restores the previous value.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { discordRoutes } from '../../../src/chat/discord/discord-routes.js';
import { createChatFront } from '../../../src/chat/front/chat-front.js';
import { createFixFront } from '../../../src/chat/front/fix-front.js';
import type { FixJob } from '../../../src/chat/front/fix-request.js';
import type { ChatSink, ThreadRef } from '../../../src/chat/sink.js';
import { createGuardedFixes } from '../../../src/fixes/create-guarded-fixes.js';
import { createFixRequester, FIX_QUEUE, runFixJob } from '../../../src/fixes/fix-jobs.js';
import { createFixOffers } from '../../../src/fixes/fix-offers.js';
import { createFixStore } from '../../../src/fixes/fix-store.js';
import { planFixes } from '../../../src/fixes/plan-fixes.js';
import { createHttpServer, type HttpServer } from '../../../src/http/server.js';
import { FAKE_FIX_TOKEN } from '../../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../../fakes/cloudflare-api/server.js';
import { brokenReport, strictZone } from '../../fixes/support/broken-by-a-change.js';
import { ZONE_ID } from '../../support/cloudflare-scenarios.js';
import { removePrefix } from '../../support/redis-cleanup.js';
import { APP_ID, CHANNEL_ID, GUILD_ID, makeKeys, nextId, signedHeaders } from './signing.js';

const redisUrl = inject('redisUrl');
const logger = pino({ level: 'silent' });
const keys = makeKeys();
const ONCALL_ROLE = '700000000000000001';
const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
let redis: Redis;
let api: FakeCloudflareApi;
let http: HttpServer;
let url = '';
let requester: ReturnType<typeof createFixRequester>;

beforeAll(async () => {
  redis = new Redis(redisUrl);
  api = await startFakeCloudflareApi(strictZone());
  requester = createFixRequester(redis, prefix);
  const config = {
    cloudflareFixToken: FAKE_FIX_TOKEN,
    cloudflareBaseUrl: api.baseUrl,
    dnsServers: [],
    allowPrivateNets: [],
  };
  const service = createGuardedFixes(config, redis, prefix);
  const fixes = createFixFront({
    enabled: true,
    offers: createFixOffers(redis, prefix),
    requester,
    deny: async (plan, actor, reason) => {
      await service.deny(plan, actor, reason);
    },
    allowedUsers: [],
    allowedRoles: [ONCALL_ROLE],
    logger,
  });
  http = createHttpServer({
    routes: discordRoutes({
      publicKey: keys.publicKeyHex,
      front: createChatFront({ requester: { request: () => Promise.reject(new Error('unused')) }, logger }),
      fixes,
      logger,
    }),
    logger,
  });
  const address = await http.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${address.port}/discord/interactions`;
});
afterAll(async () => {
  await http.close();
  await requester.close();
  await api.close();
  await removePrefix(redisUrl, prefix);
  redis.disconnect();
});

const THREAD = '1100000000000000077';
async function clickButton(customId: string, roles: string[]) {
  const body = JSON.stringify({
    type: 3,
    id: nextId(),
    application_id: APP_ID,
    token: `itok-${nextId()}`,
    channel_id: THREAD,
    channel: { id: THREAD, type: 11, parent_id: CHANNEL_ID },
    guild_id: GUILD_ID,
    member: { user: { id: '1100000000000000003', username: 'oncall' }, roles },
    message: { id: nextId(), channel_id: THREAD, embeds: [] },
    data: { custom_id: customId, component_type: 2 },
  });
  const response = await fetch(url, { method: 'POST', headers: signedHeaders(keys, body), body });
  return (await response.json()) as {
    type: number;
    data?: { content?: string; flags?: number; components?: { components: { custom_id: string }[] }[] };
  };
}

async function queuedJobs(): Promise<{ id: string; data: FixJob }[]> {
  const queue = new Queue<FixJob>(FIX_QUEUE, { connection: { url: redisUrl } as never, prefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed']);
    return jobs.map((j) => ({ id: j.id ?? '', data: j.data }));
  } finally {
    await queue.close();
  }
}

describe('guarded fixes in Discord', () => {
  it('role allow-list, ephemeral preview, explicit Confirm queued once, applied once with Undo, undo restores', async () => {
    const thread: ThreadRef = { platform: 'discord', channel: CHANNEL_ID, root: THREAD, thread: THREAD };
    const offers = createFixOffers(redis, prefix);
    const [offer] = await offers.offer(planFixes(brokenReport('shop.example.com')), thread);
    expect(offer?.title).toBe('Roll back SSL/TLS mode');
    const offerId = offer?.id ?? '';

    const refused = await clickButton(`check502:fix:${offerId}`, ['700000000000000999']);
    expect(refused.data?.flags).toBe(64);
    expect(refused.data?.content).toContain('not allowed');
    expect(refused.data?.content).toContain('CHECK502_FIX_ALLOWED_ROLES');

    const preview = await clickButton(`check502:fix:${offerId}`, [ONCALL_ROLE]);
    expect(preview.type).toBe(4);
    expect(preview.data?.flags).toBe(64);
    expect(preview.data?.content).toContain('SSL/TLS mode: strict → full');
    expect(preview.data?.components?.[0]?.components[0]?.custom_id).toBe(`check502:fixok:${offerId}`);
    expect(await queuedJobs()).toHaveLength(0);

    const confirms = await Promise.all([
      clickButton(`check502:fixok:${offerId}`, [ONCALL_ROLE]),
      clickButton(`check502:fixok:${offerId}`, [ONCALL_ROLE]),
    ]);
    expect(confirms.map((c) => c.type)).toEqual([7, 7]);
    expect(confirms[0]?.data?.content).toContain('Applying');
    const jobs = await queuedJobs();
    expect(jobs.map((j) => j.id)).toEqual([`fix-${offerId}`]);

    // The worker's part, run directly: one write with the fix token, the result posted with Undo.
    const posted: { text: string; undo?: string }[] = [];
    const sink = {
      platform: 'discord',
      postFixResult: async (_t: ThreadRef, text: string, undo?: string) => {
        posted.push(undo === undefined ? { text } : { text, undo });
      },
    } as unknown as ChatSink;
    const rechecks: unknown[] = [];
    const deps = {
      service: createGuardedFixes(
        {
          cloudflareFixToken: FAKE_FIX_TOKEN,
          cloudflareBaseUrl: api.baseUrl,
          dnsServers: [],
          allowPrivateNets: [],
        },
        redis,
        prefix,
      ),
      offers,
      sinks: { discord: sink },
      diagnoses: {
        async request(_data: unknown, options?: { jobId?: string }) {
          rechecks.push(options?.jobId);
          return { outcome: 'queued' as const, jobId: 'r' };
        },
      },
      logger,
    };
    const job = jobs[0]!;
    const outcome = await runFixJob(job.data, job.id, deps);
    await runFixJob(job.data, job.id, deps); // a retry of the same job
    expect(outcome.status).toBe('applied');
    expect(api.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
    expect(api.scenario.settings[ZONE_ID]?.['ssl']).toBe('full');
    expect(posted[0]?.text).toContain('Done: SSL/TLS mode: strict → full');
    expect(posted[0]?.undo).toBe(outcome.fixId);
    // The re-check is requested under one job id, so the retry does not queue a second one.
    expect(new Set(rechecks)).toEqual(new Set([`recheck-${job.id}`]));

    const undo = await clickButton(`check502:undo:${outcome.fixId}`, [ONCALL_ROLE]);
    expect(undo.data?.content).toContain('Undoing');
    const undoJob = (await queuedJobs()).find((j) => j.id === `undo-${outcome.fixId}`);
    expect(undoJob).toBeDefined();
    const undone = await runFixJob(undoJob!.data, undoJob!.id, deps);
    expect(undone.status).toBe('undone');
    expect(api.scenario.settings[ZONE_ID]?.['ssl']).toBe('strict');

    const trail = await createFixStore(redis, prefix).trail();
    expect(trail.map((e) => e.result)).toEqual(['denied', 'applied', 'undone']);
  });
});
