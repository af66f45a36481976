// REDIS_SENTINELS: the clients serve and worker open ask Sentinel where the primary is (a real
// redis-server in sentinel mode on loopback watching a real primary), and the incident script and a
// BullMQ round trip work through them.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.js';
import { createIncidentStore } from '../../src/incidents/incident-store.js';
import {
  closeRedis,
  createFrontRedis,
  createWorkerRedis,
  waitUntilReady,
} from '../../src/jobs/redis-clients.js';
import { redisTarget } from '../../src/jobs/redis-target.js';
import { freePort, hasRedisServer, type RedisServer, startRedisServer } from '../support/redis-server.js';

const describeSentinel = hasRedisServer() ? describe : describe.skip;

describeSentinel('Redis through Sentinel (REDIS_SENTINELS)', () => {
  let primary: RedisServer;
  let sentinel: ChildProcess;
  let dir: string;
  let sentinelPort: number;

  beforeAll(async () => {
    primary = await startRedisServer();
    sentinelPort = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'check502-sentinel-'));
    const file = join(dir, 'sentinel.conf');
    writeFileSync(
      file,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor checkbot 127.0.0.1 ${primary.port} 1`,
        'sentinel down-after-milliseconds checkbot 2000',
        '',
      ].join('\n'),
    );
    sentinel = spawn('redis-server', [file, '--sentinel'], { stdio: 'ignore' });
    sentinel.unref();
  }, 30_000);

  afterAll(async () => {
    if (sentinel && sentinel.exitCode === null) {
      const exited = once(sentinel, 'exit');
      sentinel.ref();
      sentinel.kill('SIGKILL');
      await exited;
    }
    await primary?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the primary through Sentinel and runs the incident script and a job on it', async () => {
    const config = loadServerConfig({
      // The host here is not used in sentinel mode; credentials and database would be.
      REDIS_URL: 'redis://unused.invalid:6379/0',
      REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
      REDIS_SENTINEL_NAME: 'checkbot',
    });
    const front = createFrontRedis(redisTarget(config));
    front.on('error', () => {});
    const deadline = Date.now() + 15_000;
    while (!(await waitUntilReady(front, 1000)) && Date.now() < deadline) {}
    expect(front.status).toBe('ready');
    const store = createIncidentStore({ redis: front, prefix: 'sentinel-test', editIntervalMs: 1000 });
    const effects = await store.ingest(
      [
        {
          site: 'shop.example.com',
          status: 'firing',
          fingerprint: 'fp',
          start: '2026-01-01T00:00:00Z',
          source: 'generic',
          summary: 'down',
        },
      ],
      new Date(),
    );
    expect(effects.map((e) => e.action)).toEqual(['opened']);

    const connection = createWorkerRedis(redisTarget(config));
    const queue = new Queue('sentinel-q', { connection: front, prefix: 'sentinel-test' });
    const done = new Promise<string>((resolve) => {
      const worker = new Worker(
        'sentinel-q',
        async (job) => {
          resolve(String(job.data.site));
          setTimeout(() => void worker.close(), 0);
        },
        { connection, prefix: 'sentinel-test' },
      );
    });
    await queue.add('diagnose', { site: 'shop.example.com' });
    expect(await done).toBe('shop.example.com');
    await queue.close();
    await closeRedis(connection);
    await closeRedis(front);
  }, 40_000);
});
