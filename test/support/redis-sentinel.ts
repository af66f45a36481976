// A Sentinel deployment on loopback from redis-server: a primary and a replica (append-only, fsync
// on every write) watched by three sentinels (quorum 2, so a failover needs two to agree and a
// majority to elect a leader, as in production). Short down-after-milliseconds so a killed primary
// is replaced within seconds. With `password`, both servers require it and the sentinels use it
// (auth-pass); the sentinels themselves take none.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, type RedisServer, startRedisServer } from './redis-server.js';

export interface SentinelGroup {
  name: string;
  /** `host:port,…` for REDIS_SENTINELS. */
  sentinels: string;
  servers: RedisServer[];
  /** The port of the server the sentinels name as primary now. */
  primaryPort(): Promise<number>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSentinelGroup(
  options: { name?: string; password?: string } = {},
): Promise<SentinelGroup> {
  const name = options.name ?? 'checkbot';
  const auth = options.password ? ['--requirepass', options.password, '--masterauth', options.password] : [];
  const primary = await startRedisServer(undefined, { appendOnly: true, args: auth });
  const replica = await startRedisServer(undefined, {
    appendOnly: true,
    args: [...auth, '--replicaof', '127.0.0.1', String(primary.port)],
  });
  const dir = mkdtempSync(join(tmpdir(), 'check502-sentinels-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const file = join(dir, `sentinel-${i}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        ...(options.password ? [`sentinel auth-pass ${name} ${options.password}`] : []),
        '',
      ].join('\n'),
    );
    const child = spawn('redis-server', [file, '--sentinel', '--loglevel', 'warning'], { stdio: 'ignore' });
    child.unref();
    children.push(child);
    ports.push(port);
  }
  const ask = async <T>(port: number, ...args: string[]): Promise<T> => {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.call('SENTINEL', ...args)) as T;
    } finally {
      client.disconnect();
    }
  };
  // Ready when every sentinel knows the other two and the replica: only then can they fail over.
  const deadline = Date.now() + 20_000;
  for (const port of ports) {
    for (;;) {
      const peers = await ask<unknown[]>(port, 'SENTINELS', name).catch(() => []);
      const replicas = await ask<unknown[]>(port, 'REPLICAS', name).catch(() => []);
      if (peers.length >= 2 && replicas.length >= 1) break;
      if (Date.now() > deadline)
        throw new Error(`sentinel ${port} did not find its peers and the replica in 20 s`);
      await sleep(200);
    }
  }
  // And the replica holds the primary's data: until its link is up, nothing is replicated.
  const link = new Redis({
    port: replica.port,
    host: '127.0.0.1',
    maxRetriesPerRequest: 1,
    ...(options.password ? { password: options.password } : {}),
  });
  link.on('error', () => {});
  try {
    while (!/master_link_status:up/.test(await link.info('replication'))) {
      if (Date.now() > deadline) throw new Error('the replica did not sync with the primary in 20 s');
      await sleep(100);
    }
  } finally {
    link.disconnect();
  }
  return {
    name,
    sentinels: ports.map((p) => `127.0.0.1:${p}`).join(','),
    servers: [primary, replica],
    async primaryPort() {
      const [, port] = await ask<[string, string]>(ports[0]!, 'GET-MASTER-ADDR-BY-NAME', name);
      return Number(port);
    },
    async close() {
      for (const child of children) {
        if (child.exitCode !== null) continue;
        const exited = once(child, 'exit');
        child.ref();
        child.kill('SIGKILL');
        await exited;
      }
      await primary.remove();
      await replica.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
