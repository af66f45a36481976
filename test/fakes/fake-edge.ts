// A loopback stand-in for Cloudflare's edge, over HTTPS (lab CA) and HTTP. Every answer carries
// `server: cloudflare` and a `cf-ray`; the body is whatever the behaviour says: Cloudflare's
// branded error page for any code, the plain `error code: NNN` form, the minimal nginx-style page,
// an origin's own page passed through, a healthy page, a redirect, a huge or stalled answer, or a
// real proxy to an origin that turns the origin's failure into the matching 52x page.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server, Socket } from 'node:net';
import { edgeCertificates } from './edge-certs.js';
import {
  brandedPage,
  current1xxxPage,
  type Leg,
  legacyErrorPage,
  minimalPage,
  plainErrorPage,
  statusForCode,
} from './edge-pages.js';
import { forwardToOrigin, type OriginTarget } from './edge-proxy.js';

export type EdgeBehaviour =
  | { kind: 'healthy'; status?: number; body?: string }
  | { kind: 'branded'; code: number; errorSource?: Leg }
  /** The current 1xxx layout: `<span>1016</span>` after an "Error" label, `errorCode` in a script. */
  | { kind: 'current1xxx'; code: number }
  /** A 5xx with no body at all (what Cloudflare sends a client that is not a browser). */
  | { kind: 'empty'; status: number }
  /** The inner answer, served as from Cloudflare's cache (`cf-cache-status`, `age`). */
  | {
      kind: 'cached';
      cacheStatus: 'HIT' | 'STALE' | 'UPDATING' | 'MISS' | 'EXPIRED';
      age: number;
      next: EdgeBehaviour;
    }
  | { kind: 'plain'; code: number }
  | { kind: 'minimal'; status: 502 | 504 }
  | { kind: 'passthrough'; status: number; body: string; contentType?: string }
  | { kind: 'redirect'; location: string; status?: 301 | 302 | 307 | 308 }
  | { kind: 'huge'; bytes: number; status?: number }
  /** Accepts the request and never answers. */
  | { kind: 'stall' }
  /** Headers at once, then one byte of body every `intervalMs`, forever. */
  | { kind: 'drip'; intervalMs: number }
  | { kind: 'delay'; ms: number; next: EdgeBehaviour }
  | { kind: 'proxy'; origin: OriginTarget };

export interface EdgeRequest {
  scheme: 'https' | 'http';
  method: string;
  host: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rayId: string;
}

export type BehaviourSource = EdgeBehaviour | ((request: EdgeRequest) => EdgeBehaviour);

export interface FakeEdgeOptions {
  /** Names on the edge certificate (default: a few lab domains). */
  hostnames?: string[];
  behaviour?: BehaviourSource;
  colo?: string;
}

export interface FakeEdge {
  address: '127.0.0.1';
  /** HTTPS port. */
  port: number;
  httpPort: number;
  /** PEM of the lab CA that signed the edge certificate: give it to probes as `extraCa`. */
  ca: string;
  url(host: string, path?: string, scheme?: 'https' | 'http'): string;
  setBehaviour(behaviour: BehaviourSource): void;
  requests: EdgeRequest[];
  /** TCP connections accepted so far, both ports. */
  connections(): number;
  close(): Promise<void>;
}

const DEFAULT_HOSTNAMES = [
  'localhost',
  'example.com',
  '*.example.com',
  '*.example.net',
  '*.example.org',
  '*.test',
];

export async function startFakeEdge(options: FakeEdgeOptions = {}): Promise<FakeEdge> {
  const certs = await edgeCertificates(options.hostnames ?? DEFAULT_HOSTNAMES);
  let behaviour: BehaviourSource = options.behaviour ?? { kind: 'healthy' };
  const colo = options.colo ?? 'FRA';
  const requests: EdgeRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let accepted = 0;

  const handler = (scheme: EdgeRequest['scheme']) => (req: IncomingMessage, res: ServerResponse) => {
    const rayId = randomBytes(8).toString('hex');
    const record: EdgeRequest = {
      scheme,
      method: req.method ?? 'GET',
      host: (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase(),
      path: req.url ?? '/',
      headers: req.headers,
      rayId,
    };
    requests.push(record);
    req.resume();
    res.setHeader('server', 'cloudflare');
    res.setHeader('cf-ray', `${rayId}-${colo}`);
    const chosen = typeof behaviour === 'function' ? behaviour(record) : behaviour;
    void respond(chosen, record, res).catch(() => res.destroy());
  };

  const respond = async (b: EdgeBehaviour, r: EdgeRequest, res: ServerResponse): Promise<void> => {
    switch (b.kind) {
      case 'healthy':
        return send(
          res,
          b.status ?? 200,
          'text/html; charset=UTF-8',
          b.body ?? `<h1>Welcome to ${r.host}</h1>`,
        );
      case 'branded': {
        const page =
          b.code >= 1000
            ? legacyErrorPage(b.code, r.host, r.rayId)
            : brandedPage(b.code, r.host, r.rayId, b.errorSource ?? 'host');
        return send(res, statusForCode(b.code), 'text/html; charset=UTF-8', page);
      }
      case 'current1xxx':
        // Captured live with `content-type: text/plain` (see edge-pages.ts).
        return send(res, statusForCode(b.code), 'text/plain', current1xxxPage(b.code, r.host, r.rayId));
      case 'empty':
        res.writeHead(b.status, { 'content-length': 0 });
        return void res.end();
      case 'cached':
        res.setHeader('cf-cache-status', b.cacheStatus);
        res.setHeader('age', String(b.age));
        return respond(b.next, r, res);
      case 'plain':
        return send(res, statusForCode(b.code), 'text/plain; charset=UTF-8', plainErrorPage(b.code));
      case 'minimal':
        return send(res, b.status, 'text/html', minimalPage(b.status));
      case 'passthrough':
        return send(res, b.status, b.contentType ?? 'text/html; charset=UTF-8', b.body);
      case 'redirect':
        res.setHeader('location', b.location);
        return send(res, b.status ?? 301, 'text/html', `<a href="${b.location}">moved</a>`);
      case 'huge':
        return streamHuge(res, b.bytes, b.status ?? 200);
      case 'stall':
        return;
      case 'drip': {
        res.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => {
          if (res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
          } else res.write('.');
        }, b.intervalMs);
        timers.add(timer);
        return;
      }
      case 'delay':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, b.ms);
          timers.add(timer);
        });
        if (res.destroyed) return;
        return respond(b.next, r, res);
      case 'proxy': {
        const result = await forwardToOrigin(b.origin, {
          method: r.method,
          path: r.path,
          host: r.host,
          headers: {
            accept: String(r.headers['accept'] ?? '*/*'),
            'user-agent': String(r.headers['user-agent'] ?? 'fake-edge'),
          },
        });
        if (result.kind === 'error')
          return respond({ kind: 'branded', code: result.code, errorSource: 'host' }, r, res);
        // Cloudflare swaps an origin's own 502/504 body for its branded page blaming the host.
        if (result.status === 502 || result.status === 504) {
          return respond({ kind: 'branded', code: result.status, errorSource: 'host' }, r, res);
        }
        const type = result.headers['content-type'];
        return send(res, result.status, typeof type === 'string' ? type : 'text/html', result.body);
      }
    }
  };

  const https = createHttpsServer({ cert: certs.cert, key: certs.key }, handler('https'));
  const http = createHttpServer(handler('http'));
  for (const server of [https, http]) {
    server.on('connection', (socket: Socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('tlsClientError', () => {});
  }
  const port = await listen(https);
  const httpPort = await listen(http);

  return {
    address: '127.0.0.1',
    port,
    httpPort,
    ca: certs.ca,
    url: (host, path = '/', scheme = 'https') =>
      `${scheme}://${host}:${scheme === 'https' ? port : httpPort}${path}`,
    setBehaviour: (next) => {
      behaviour = next;
    },
    requests,
    connections: () => accepted,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await Promise.all([https, http].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function streamHuge(res: ServerResponse, bytes: number, status: number): Promise<void> {
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': bytes });
  const chunk = Buffer.alloc(16 * 1024, 'a');
  let sent = 0;
  while (sent < bytes && !res.destroyed) {
    const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
    sent += piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  }
  if (!res.destroyed) res.end();
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
