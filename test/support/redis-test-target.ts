// The Redis a test project runs on, as its global setup provides it (`inject('redisTarget')`): one
// redis-server (global-redis.ts) or a three-master Redis Cluster (global-redis-cluster.ts). The same
// e2e file configures its deployment from it the documented way (REDIS_URL, REDIS_CLUSTER_NODES and a
// hash-tagged CHECK502_QUEUE_PREFIX on a cluster) and looks into it with a client of the right kind.
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type {} from 'vitest';

export interface RedisTestTarget {
  /** REDIS_URL: the server, or (cluster) the credentials and one more seed. */
  url: string;
  /** REDIS_CLUSTER_NODES seeds (`host:port`) when the target is a Redis Cluster. */
  clusterNodes?: string[];
}

/**
 * A fresh key prefix for one deployment under test, `base` plus random letters; on a cluster it is a
 * hash tag (`{base…}`), as the product requires there, so every key of it lands in one slot.
 */
export function uniquePrefix(target: RedisTestTarget, base: string): string {
  const unique = `${base}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  return target.clusterNodes ? `{${unique}}` : unique;
}

/** The environment a deployment on `target` under `prefix` is configured with. */
export function redisEnv(target: RedisTestTarget, prefix: string): Record<string, string> {
  return {
    REDIS_URL: target.url,
    ...(target.clusterNodes ? { REDIS_CLUSTER_NODES: target.clusterNodes.join(',') } : {}),
    CHECK502_QUEUE_PREFIX: prefix,
  };
}

/**
 * A client to look into the target (the caller disconnects it). A Cluster is typed as a Redis, as
 * src/jobs/redis-target.ts does: the stores take either.
 */
export function inspectionClient(target: RedisTestTarget): Redis {
  if (!target.clusterNodes) return new Redis(target.url, { maxRetriesPerRequest: 1 });
  const nodes = target.clusterNodes.map((seed) => {
    const url = new URL(`redis://${seed}`);
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) };
  });
  return new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } }) as unknown as Redis;
}

/** `inspectionClient`, once it is ready (a cluster's client knows its masters only then). */
export async function readyInspectionClient(target: RedisTestTarget): Promise<Redis> {
  const redis = inspectionClient(target);
  if (redis.status !== 'ready')
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', () => resolve());
      redis.once('error', (error: Error) => {
        redis.disconnect();
        reject(error);
      });
    });
  return redis;
}

/** The masters of a cluster client, or the client itself: where SCAN must run to see every key. */
export function everyMaster(redis: Redis): Redis[] {
  const cluster = redis as unknown as Cluster;
  return cluster.isCluster ? cluster.nodes('master') : [redis];
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisTarget: RedisTestTarget;
  }
}
