// Which Redis deployment check502 talks to: one server (REDIS_URL), a Redis Cluster
// (REDIS_CLUSTER_NODES: seed host:port list) or a primary found through Sentinel (REDIS_SENTINELS +
// REDIS_SENTINEL_NAME). REDIS_URL always carries the credentials, database and TLS (`rediss:`); in
// cluster and sentinel mode its host is one more seed / unused. ioredis speaks all three; a Cluster
// client is typed as a Redis here because check502 only uses commands both have, on keys of one
// slot (the prefix's hash tag), and BullMQ takes either.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { HostPort, RedisConfig } from '../config.js';

export interface RedisTarget {
  url: string;
  cluster?: HostPort[];
  sentinel?: { sentinels: HostPort[]; name: string };
}

/** The target of a configuration (ServerConfig, FixCliConfig…). */
export function redisTarget(config: Omit<RedisConfig, 'queuePrefix'>): RedisTarget {
  const target: RedisTarget = { url: config.redisUrl };
  if (config.redisCluster) target.cluster = config.redisCluster;
  if (config.redisSentinel) target.sentinel = config.redisSentinel;
  return target;
}

/** Credentials, database and TLS from the URL: what every node or primary is opened with. */
function connectionOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {};
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  const db = Number(parsed.pathname.slice(1));
  if (parsed.pathname.length > 1 && Number.isInteger(db)) options.db = db;
  if (parsed.protocol === 'rediss:') options.tls = { servername: parsed.hostname };
  return options;
}

/** The client behaviour check502 sets (redis-clients.ts): the same for every kind of target. */
export interface ClientOptions {
  enableAutoPipelining?: boolean;
  enableOfflineQueue?: boolean;
  maxRetriesPerRequest?: number | null;
  connectTimeout?: number;
  retryStrategy?: (times: number) => number | null;
}

/** Opens a client for `target` with `options` (the front's fail-fast ones, or a worker's). */
export function openRedis(target: string | RedisTarget, options: ClientOptions): Redis {
  const t = typeof target === 'string' ? { url: target } : target;
  if (t.cluster) {
    const { enableOfflineQueue, enableAutoPipelining, retryStrategy, ...perNode } = options;
    // Cluster mode has no database: SELECT is refused there.
    const { db: _db, tls, ...base } = connectionOptions(t.url);
    const cluster = new Cluster(t.cluster, {
      // ioredis 6's option types do not accept exactOptionalPropertyTypes' undefined-free spreads.
      redisOptions: { ...base, ...perNode, ...(tls ? { tls } : {}) } as never,
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(enableAutoPipelining !== undefined ? { enableAutoPipelining } : {}),
      ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
      ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    });
    return cluster as unknown as Redis;
  }
  if (t.sentinel) {
    return new Redis({
      ...connectionOptions(t.url),
      ...options,
      sentinels: t.sentinel.sentinels,
      name: t.sentinel.name,
    } as never);
  }
  return new Redis(t.url, options as never);
}

/**
 * A second connection like `redis` for BullMQ's blocking commands (waits for Redis forever). A
 * Cluster's duplicate takes other arguments than a single server's.
 */
export function duplicateForBlocking(redis: Redis): Redis {
  if ((redis as unknown as { isCluster?: boolean }).isCluster) {
    const cluster = redis as unknown as Cluster;
    return cluster.duplicate(undefined, {
      enableOfflineQueue: true,
      redisOptions: { ...cluster.options.redisOptions, maxRetriesPerRequest: null } as never,
    }) as unknown as Redis;
  }
  return redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
}
