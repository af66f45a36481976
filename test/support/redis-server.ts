// Starts a throwaway redis-server from PATH on a free loopback port, for tests and benchmarks that
// must not depend on a Redis someone started by hand. No persistence by default; `appendOnly` gives
// it an append-only file in a temp folder (fsync on every write), so a SIGKILL loses nothing it
// acknowledged — the production setting the fault drills kill it under.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGKILL when `hard`), keeping the port for a later `start()`. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its temp folder. */
  remove(): Promise<void>;
}

export const INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, ' +
  'macOS: `brew install redis`) or set REDIS_URL to a Redis you can use for tests.';

export function hasRedisServer(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisServerOptions {
  /** `appendonly yes`, `appendfsync always`, in a temp folder removed by `remove()`. */
  appendOnly?: boolean;
  /** Extra `--name value` arguments (e.g. cluster mode). */
  args?: string[];
  /** Working folder (the AOF and cluster files); a temp one when needed and absent. */
  dir?: string;
}

export async function startRedisServer(
  port?: number,
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  if (!hasRedisServer()) throw new Error(INSTALL_HINT);
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const dir =
    options.dir ??
    (options.appendOnly || options.args ? mkdtempSync(join(tmpdir(), 'check502-redis-')) : undefined);
  const persistence = options.appendOnly
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(chosen),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...persistence,
        ...(dir !== undefined ? ['--dir', dir] : []),
        ...(options.args ?? []),
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    child.unref();
    await waitForPing(chosen, 5000);
  };
  const stop = async (hard = false) => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null) return;
    const exited = once(current, 'exit');
    current.ref(); // unref'd so it never holds a run open; waiting for its exit must
    current.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    stop,
    start,
    async remove() {
      await stop(true);
      if (dir !== undefined && options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on 127.0.0.1:${port} did not answer PING within ${timeoutMs} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    // A server with requirepass answers NOAUTH: it is up all the same.
    socket.on('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}
