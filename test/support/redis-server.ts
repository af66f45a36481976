// Starts a throwaway redis-server from PATH on a free loopback port (no persistence), for tests
// and benchmarks that must not depend on a Redis someone started by hand.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGKILL when `hard`), keeping the port for a later `start()`. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
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

export async function startRedisServer(port?: number): Promise<RedisServer> {
  if (!hasRedisServer()) throw new Error(INSTALL_HINT);
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;

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
        '--appendonly',
        'no',
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
  return { url: `redis://127.0.0.1:${chosen}`, port: chosen, stop, start };
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
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
