// A three-master Redis Cluster on loopback for tests: three redis-server processes in cluster mode
// (no Docker), slots split by `redis-cli --cluster create`, no replicas. REDIS_CLUSTER_NODES
// (comma-separated seeds, `host:port` as the product takes them, or redis:// URLs) points the tests
// at an existing cluster instead.
import { spawnSync } from 'node:child_process';
import { Cluster } from 'ioredis';
import { freePort, hasRedisServer, type RedisServer, startRedisServer } from './redis-server.js';

export interface RedisClusterHandle {
  /** Seed URLs, one per master. */
  urls: string[];
  /** False when REDIS_CLUSTER_NODES named an existing cluster (other keys may live there). */
  started: boolean;
  /** A new ioredis Cluster client (the caller quits it). */
  client(options?: ConstructorParameters<typeof Cluster>[1]): Cluster;
  stop(): Promise<void>;
}

export function canStartCluster(): boolean {
  if (process.env['REDIS_CLUSTER_NODES']) return true;
  return hasRedisServer() && spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startRedisCluster(): Promise<RedisClusterHandle> {
  const fromEnv = process.env['REDIS_CLUSTER_NODES'];
  const servers: RedisServer[] = [];
  let urls: string[];
  if (fromEnv) {
    urls = fromEnv.split(',').map((u) => (u.includes('://') ? u.trim() : `redis://${u.trim()}`));
  } else {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      servers.push(
        await startRedisServer(port, {
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...servers.map((s) => `127.0.0.1:${s.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    urls = servers.map((s) => s.url);
  }
  const nodes = urls.map((u) => {
    const url = new URL(u);
    return { host: url.hostname, port: Number(url.port || 6379) };
  });
  const client = (options: ConstructorParameters<typeof Cluster>[1] = {}) => new Cluster(nodes, options);
  // Every master must agree the cluster is whole before tests use it.
  const probe = client();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const info = await probe.cluster('INFO').catch(() => '');
    if (String(info).includes('cluster_state:ok')) break;
    if (Date.now() > deadline) throw new Error(`cluster did not become ok: ${String(info)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  probe.disconnect();
  return {
    urls,
    started: !fromEnv,
    client,
    async stop() {
      for (const server of servers) await server.remove();
    },
  };
}
