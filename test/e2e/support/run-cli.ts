// Runs the BUILT CLI as a user would (`node bin/check502.js …`) in a fresh process, with a clean
// environment (nothing inherited that could point it at the real world), the network recorder
// preloaded, and a hard time limit so a hung child cannot hang the suite.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'check502.js');
const RECORDER = fileURLToPath(new URL('./net-recorder.mjs', import.meta.url));
const MODULE_RECORDER = fileURLToPath(new URL('./module-recorder.mjs', import.meta.url));

export interface NetEvent {
  kind: 'connect' | 'lookup-result' | 'system-lookup' | 'resolve';
  host?: string;
  port?: number;
  address?: string;
  name?: string;
  servers?: string[];
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  net: NetEvent[];
  /** URLs of the modules the child loaded through `import` (only with `recordModules`). */
  modules: string[];
}

let runs = 0;

export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { logDir?: string; limitMs?: number; recordModules?: boolean } = {},
): Promise<CliRun> {
  const netlog = join(options.logDir ?? tmpdir(), `check502-e2e-net-${process.pid}-${++runs}.jsonl`);
  const modulelog = options.recordModules ? `${netlog}.modules` : undefined;
  const recorders = ['--import', RECORDER, ...(modulelog ? ['--import', MODULE_RECORDER] : [])];
  const child = spawn(process.execPath, [...recorders, BIN, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      CHECK502_E2E_NETLOG: netlog,
      ...(modulelog ? { CHECK502_E2E_MODULELOG: modulelog } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const limit = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      const net = existsSync(netlog)
        ? readFileSync(netlog, 'utf8')
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => JSON.parse(line) as NetEvent)
        : [];
      rmSync(netlog, { force: true });
      const modules =
        modulelog && existsSync(modulelog)
          ? readFileSync(modulelog, 'utf8')
              .split('\n')
              .filter((line) => line !== '')
          : [];
      if (modulelog) rmSync(modulelog, { force: true });
      resolve({ code, signal, stdout, stderr, net, modules });
    });
  });
}

/** Every destination the child connected to or looked up that is not loopback. */
export function offLoopback(net: NetEvent[]): NetEvent[] {
  const loopback = (ip: string | undefined) =>
    ip !== undefined && (/^127\.\d+\.\d+\.\d+$/.test(ip) || ip === '::1' || ip === 'localhost');
  return net.filter((e) => {
    // A connect by name is judged by its lookup's answer (the `lookup-result` entry that follows it).
    if (e.kind === 'connect') return isIP(e.host ?? '') !== 0 && !loopback(e.host);
    if (e.kind === 'lookup-result') return !loopback(e.address);
    if (e.kind === 'system-lookup') return !loopback(e.host);
    return (e.servers ?? []).some((s) => !loopback(s.replace(/^\[?([^\]]+?)\]?(:\d+)?$/, '$1')));
  });
}
