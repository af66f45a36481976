// Runs the built program (`node bin/check502.js <role>`) as a child process for fault drills:
// its JSON log lines are kept, it can be killed with any signal, and every wait is bounded.
// `npm test` builds dist/ first (pretest); run `npm run build` before running these alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'check502.js');

export interface Check502Process {
  readonly child: ChildProcess;
  /** Parsed JSON log lines so far (non-JSON output is kept as `{ raw }`). */
  readonly logs: Record<string, unknown>[];
  readonly stderr: string[];
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
  /** Waits until a log line matches (checks lines already seen too). */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Stops it: SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

export function startCheck502(args: string[], env: Record<string, string>): Check502Process {
  return spawnLogged([BIN, ...args], env);
}

/** Runs a TypeScript entry of the test support (through tsx) the same way. */
export function startTsChild(file: string, env: Record<string, string>): Check502Process {
  return spawnLogged(['--import', 'tsx', file], env);
}

function spawnLogged(argv: string[], env: Record<string, string>): Check502Process {
  const args = argv.slice(-1);
  const child = spawn(process.execPath, argv, {
    cwd: resolve(import.meta.dirname, '..', '..', '..'),
    // Only what the test names plus PATH: the test runner's own REDIS_URL etc. must not leak in.
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    for (const wake of waiters) wake();
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  exited.then(() => {
    for (const wake of waiters) wake();
  });

  const process_: Check502Process = {
    child,
    logs,
    stderr,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitForLog(match, timeoutMs = 20_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const found = logs.find(match);
          if (found) {
            done();
            resolvePromise(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(
                `check502 ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before the awaited log line; stderr: ${stderr.join('').slice(0, 500)}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `check502 ${args.join(' ')}: awaited log line did not appear within ${timeoutMs} ms; last lines: ${JSON.stringify(logs.slice(-5))}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return process_;
}

/** Polls `condition` every 50 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

/** GET/POST against a loopback server with a bounded wait; network errors become status 0. */
export async function httpCall(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
  timeoutMs = 5000,
): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) } as RequestInit);
    return { status: response.status, text: await response.text() };
  } catch {
    return { status: 0, text: '' };
  }
}
