// A small DNS server on 127.0.0.1 that answers like a recursive resolver: for A/AAAA it returns the
// CNAME chain plus the final addresses, NXDOMAIN for unknown names, and, for chosen names, SERVFAIL,
// REFUSED or no answer at all. UDP and TCP on the same port; every query is logged.
import { createSocket, type RemoteInfo } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import * as packet from 'dns-packet';

export interface ZoneRecords {
  A?: string[];
  AAAA?: string[];
  CNAME?: string;
  /** `servfail`/`refused` answer with that rcode; `silent` never answers. */
  mode?: 'servfail' | 'refused' | 'silent';
  /** Delay before answering, in ms. */
  delayMs?: number;
}

export type Zone = Record<string, ZoneRecords>;

export interface DnsQuery {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export interface DnsServer {
  host: '127.0.0.1';
  port: number;
  set(name: string, records: ZoneRecords | undefined): void;
  queries: DnsQuery[];
  close(): Promise<void>;
}

const NOERROR = 0;
const SERVFAIL = 2;
const NXDOMAIN = 3;
const REFUSED = 5;

export async function startDnsServer(
  zone: Zone = {},
  options: { delayMs?: number } = {},
): Promise<DnsServer> {
  const records = new Map<string, ZoneRecords>();
  const set = (name: string, value: ZoneRecords | undefined) => {
    if (value === undefined) records.delete(norm(name));
    else records.set(norm(name), value);
  };
  for (const [name, value] of Object.entries(zone)) set(name, value);
  const queries: DnsQuery[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const answer = (query: Buffer, transport: DnsQuery['transport'], reply: (out: Buffer) => void): void => {
    let request: packet.DecodedPacket;
    try {
      request = packet.decode(query);
    } catch {
      return; // garbage in, nothing out — like a real server
    }
    const question = request.questions?.[0];
    if (!question) return;
    queries.push({ name: norm(question.name), type: question.type, transport });
    const result = lookup(records, question);
    if (result === 'silent') return;
    const response = packet.encode({
      id: request.id ?? 0,
      type: 'response',
      flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | (result.rcode & 0xf),
      questions: [question],
      answers: result.answers,
    });
    const delay = result.delayMs ?? options.delayMs ?? 0;
    if (delay <= 0) {
      reply(response);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      reply(response);
    }, delay);
    timers.add(timer);
  };

  const udp = createSocket('udp4');
  udp.on('message', (message: Buffer, from: RemoteInfo) => {
    answer(message, 'udp', (out) => udp.send(out, from.port, from.address));
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, '127.0.0.1', () => resolve());
  });
  const port = udp.address().port;

  // TCP on the same port when it is free (c-ares retries over TCP after a truncated answer).
  const sockets = new Set<Socket>();
  const tcp: Server | undefined = await new Promise((resolve) => {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 2) {
          const length = buffered.readUInt16BE(0);
          if (buffered.length < 2 + length) break;
          const message = buffered.subarray(2, 2 + length);
          buffered = buffered.subarray(2 + length);
          answer(message, 'tcp', (out) => {
            const prefix = Buffer.alloc(2);
            prefix.writeUInt16BE(out.length);
            if (!socket.destroyed) socket.write(Buffer.concat([prefix, out]));
          });
        }
      });
    });
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

  return {
    host: '127.0.0.1',
    port,
    set,
    queries,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : Promise.resolve(),
      ]);
    },
  };
}

type Lookup = 'silent' | { rcode: number; answers: packet.Answer[]; delayMs?: number };

function lookup(records: Map<string, ZoneRecords>, question: packet.Question): Lookup {
  const answers: packet.Answer[] = [];
  let current = norm(question.name);
  let delayMs: number | undefined;
  for (let hop = 0; hop < 10; hop++) {
    const entry = records.get(current);
    if (!entry) return { rcode: NXDOMAIN, answers, ...delay(delayMs) };
    delayMs = Math.max(delayMs ?? 0, entry.delayMs ?? 0) || undefined;
    if (entry.mode === 'silent') return 'silent';
    if (entry.mode === 'servfail') return { rcode: SERVFAIL, answers: [], ...delay(delayMs) };
    if (entry.mode === 'refused') return { rcode: REFUSED, answers: [], ...delay(delayMs) };
    if (entry.CNAME !== undefined) {
      answers.push({ type: 'CNAME', name: current, ttl: 60, data: norm(entry.CNAME) });
      if (question.type === 'CNAME') break;
      current = norm(entry.CNAME);
      continue;
    }
    if (question.type === 'A' || question.type === 'AAAA') {
      for (const address of entry[question.type] ?? []) {
        answers.push({ type: question.type, name: current, ttl: 60, data: address });
      }
    }
    break;
  }
  return { rcode: NOERROR, answers, ...delay(delayMs) };
}

function delay(ms: number | undefined): { delayMs?: number } {
  return ms === undefined ? {} : { delayMs: ms };
}

function norm(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}
