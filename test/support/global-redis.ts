// Vitest global setup of the default project: REDIS_URL when set, else a throwaway redis-server for
// the whole run. Tests read it with `inject('redisUrl')` (or, for files that also run on a Redis
// Cluster, `inject('redisTarget')`: redis-test-target.ts) and isolate themselves with a unique key
// prefix.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type RedisServer, startRedisServer } from './redis-server.js';
import type {} from './redis-test-target.js';

let server: RedisServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env['REDIS_URL'];
  if (!url) {
    server = await startRedisServer();
    url = server.url;
  }
  project.provide('redisUrl', url);
  project.provide('redisTarget', { url });
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
