// The load client of every latency bench, run in a process of its own (`runLoad`): a client on the
// server's event loop, or one slower than the server, measures itself. It speaks HTTP/1.1 over raw
// keep-alive sockets with every request serialised before the clock starts (a general-purpose
// client cost as much CPU as the server on two cores), in a closed loop: each connection sends its
// next request as soon as its last answer has fully arrived. The same client, requests and
// concurrency run against the server and against its baseline (do-nothing-server.ts), so the
// ratio of the two is what the server adds.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoadPlan {
  port: number;
  /** Keep-alive connections, each with one request in flight. */
  connections: number;
  /** Sent first, not measured (connections, the server's first compilations). */
  warmUp: string[];
  /** Measured, in order of sending. `{host}` is replaced by 127.0.0.1:<port>. */
  requests: string[];
  /** How many of the first answers to report apart (a fresh server's cold start). */
  cold?: number;
}

export interface LoadResult {
  /** Milliseconds from the first byte sent to the last byte of the answer, sorted. */
  latencies: number[];
  /** The first `plan.cold` answers' latencies, sorted. */
  coldLatencies: number[];
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** CPU the client itself used per request (µs): it must stay well below the server's. */
  clientCpuUs: number;
  seconds: number;
}

/**
 * Runs `plan` from a fresh process and returns what it measured. `onMeasuring` is called once the
 * warm-up is answered, just before the measured requests go out (e.g. to read the server's CPU).
 */
export async function runLoad(plan: LoadPlan, onMeasuring?: () => void): Promise<LoadResult> {
  const file = join(tmpdir(), `check502-load-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(plan));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    const marked = out.indexOf(WARMED);
    if (marked < 0) return;
    out = out.slice(marked + WARMED.length);
    onMeasuring?.();
  });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`the load client exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}

const WARMED = 'warmed\n';

export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

interface Sender {
  send(request: Buffer): Promise<number>;
  socket: Socket;
}

function sender(socket: Socket): Sender {
  let buffered: Buffer = Buffer.alloc(0);
  let waiting: { resolve(status: number): void; reject(error: Error): void } | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffered.toString('latin1', 0, end).toLowerCase();
    const at = head.indexOf('\r\ncontent-length:');
    const length = at < 0 ? 0 : Number.parseInt(head.slice(at + 17), 10);
    if (buffered.length < end + 4 + length) return;
    buffered = Buffer.alloc(0);
    const current = waiting;
    waiting = undefined;
    current?.resolve(Number(head.slice(9, 12)));
  });
  socket.on('close', () => waiting?.reject(new Error('the server closed a connection')));
  return {
    socket,
    send: (request) =>
      new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(request);
      }),
  };
}

async function client(plan: LoadPlan): Promise<LoadResult> {
  const host = `127.0.0.1:${plan.port}`;
  const serialise = (requests: string[]) => requests.map((r) => Buffer.from(r.replaceAll('{host}', host)));
  const warmUp = serialise(plan.warmUp);
  const requests = serialise(plan.requests);
  const open = async (): Promise<Sender> => {
    const socket = connect(plan.port, '127.0.0.1');
    socket.setNoDelay(true);
    await once(socket, 'connect');
    return sender(socket);
  };
  // In small groups: a burst of fresh connects can overflow a small listen backlog (a 1 s SYN retry).
  const senders: Sender[] = [];
  for (let i = 0; i < plan.connections; i += 10)
    senders.push(...(await Promise.all(Array.from({ length: Math.min(10, plan.connections - i) }, open))));
  const loop = async (list: Buffer[], record?: (ms: number, status: number) => void) => {
    let next = 0;
    await Promise.all(
      senders.map(async (s) => {
        for (;;) {
          const n = next++;
          if (n >= list.length) return;
          const sent = performance.now();
          const status = await s.send(list[n]!);
          record?.(performance.now() - sent, status);
        }
      }),
    );
  };
  await loop(warmUp);
  // Tells the parent the measured part starts; it answers nothing, so the clock is not delayed.
  process.stdout.write(WARMED);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const cpu = process.cpuUsage();
  const began = performance.now();
  await loop(requests, (ms, status) => {
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const seconds = (performance.now() - began) / 1000;
  const used = process.cpuUsage(cpu);
  const coldLatencies = latencies.slice(0, plan.cold ?? 0).sort((a, b) => a - b);
  for (const s of senders) s.socket.end();
  return {
    latencies: latencies.sort((a, b) => a - b),
    coldLatencies,
    statuses,
    clientCpuUs: (used.user + used.system) / Math.max(1, requests.length),
    seconds,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
  process.stdout.write(JSON.stringify(await client(plan)));
}
