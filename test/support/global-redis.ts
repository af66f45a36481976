// Vitest global setup: REDIS_URL when set, else a throwaway redis-server for the whole run.
// Tests read it with `inject('redisUrl')` and isolate themselves with a unique key prefix.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type RedisServer, startRedisServer } from './redis-server.js';

let server: RedisServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const fromEnv = process.env['REDIS_URL'];
  if (fromEnv) {
    project.provide('redisUrl', fromEnv);
    return;
  }
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
