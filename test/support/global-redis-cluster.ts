// Vitest global setup of the `cluster` project: the e2e files run again on a three-master Redis
// Cluster, REDIS_CLUSTER_NODES (seeds, `host:port,…`) when set, else one started from redis-server on
// free loopback ports (redis-cluster.ts). When the run ends on a cluster it started, every key left
// must sit under a hash-tagged test prefix: a key the product built without the prefix would land in
// another slot (and escape CHECK502_QUEUE_PREFIX), which the e2e files cannot see from inside.
import type { TestProject } from 'vitest/node';
import { canStartCluster, type RedisClusterHandle, startRedisCluster } from './redis-cluster.js';
import { everyMaster, type RedisTestTarget, readyInspectionClient } from './redis-test-target.js';

let cluster: RedisClusterHandle | undefined;
let target: RedisTestTarget | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!canStartCluster())
    throw new Error(
      'The cluster project starts a Redis Cluster from redis-server and redis-cli, not found on PATH. ' +
        'Install them (Debian/Ubuntu: `sudo apt-get install -y redis-server`, macOS: `brew install redis`), ' +
        'or set REDIS_CLUSTER_NODES to the seeds (host:port,…) of a Redis Cluster you can use for tests, ' +
        'or run the other project only: `npx vitest run --project single`.',
    );
  cluster = await startRedisCluster();
  const seeds = cluster.urls.map((u) => new URL(u).host);
  target = { url: cluster.urls[0]!, clusterNodes: seeds };
  project.provide('redisTarget', target);
}

export async function teardown(): Promise<void> {
  try {
    if (cluster?.started && target) await noStrayKeys(target);
  } finally {
    await cluster?.stop();
  }
}

async function noStrayKeys(on: RedisTestTarget): Promise<void> {
  const redis = await readyInspectionClient(on);
  try {
    const stray: string[] = [];
    for (const node of everyMaster(redis))
      for (const key of await node.keys('*')) if (!key.startsWith('{')) stray.push(key);
    if (stray.length > 0) {
      // Vitest logs a teardown's error but still exits 0: fail the run ourselves.
      process.exitCode = 1;
      throw new Error(
        `keys outside any hash-tagged CHECK502_QUEUE_PREFIX on the cluster: ${stray.slice(0, 10).join(', ')}`,
      );
    }
  } finally {
    redis.disconnect();
  }
}
