// A listening socket that never accepts: the honest way to get a TCP connect timeout on loopback.
// Node auto-accepts every connection, so a tiny python3 helper listens with backlog 0 and fills its
// own accept queue; the kernel then drops further SYNs and connect() waits, as with a firewall drop.
// The helper exits when its stdin closes (our process ended) and is killed by pid on close().
import { spawn } from 'node:child_process';

const SCRIPT = `
import socket, sys
addr = sys.argv[1]
wanted = int(sys.argv[2])
family = socket.AF_INET6 if ':' in addr else socket.AF_INET
s = socket.socket(family)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, wanted))
s.listen(0)
port = s.getsockname()[1]
fill = []
for _ in range(3):
    c = socket.socket(family)
    c.setblocking(False)
    c.connect_ex((addr, port))
    fill.append(c)
print(port, flush=True)
sys.stdin.read()
`;

export interface Blackhole {
  port: number;
  close(): Promise<void>;
}

export function startBlackhole(address: string, port = 0, timeoutMs = 5000): Promise<Blackhole> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', SCRIPT, address, String(port)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('blackhole helper did not start in time'));
    }, timeoutMs);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = Number(out.trim().split('\n')[0]);
      if (!Number.isInteger(port) || port <= 0) return;
      clearTimeout(timer);
      resolve({
        port,
        close: async () => {
          child.stdin.end();
          if (child.exitCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`blackhole helper exited (${code}): ${err.slice(0, 300)}`));
    });
  });
}
