// A role of the built CLI (`check502 serve`, `check502 worker`) in a process of its own, as
// docker-compose runs it. BENCH_CLI=<checkout>/bin/check502.js runs another build's instead: an A/B
// with the same client, requests and checks (the build #16 was filed against, 3ceb711, runs as is).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = process.env['BENCH_CLI'] ?? fileURLToPath(new URL('../../bin/check502.js', import.meta.url));

/** A role of the built CLI; resolves once it logs `startedMessage` (with the fields of that line). */
export function startRole(
  args: string[],
  env: NodeJS.ProcessEnv,
  startedMessage: string,
): Promise<{ child: ChildProcess; started: { port?: number } }> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`check502 ${args.join(' ')} did not start within 20 s`));
    }, 20_000);
    child.once('exit', (code) =>
      reject(new Error(`check502 ${args.join(' ')} exited with ${code} at start`)),
    );
    // Keep draining its log (a full pipe would stall it); the start line carries the port.
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes(startedMessage)) continue;
        clearTimeout(timer);
        resolve({ child, started: JSON.parse(line) as { port?: number } });
      }
    });
  });
}

export async function stopRole(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
