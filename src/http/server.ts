// The one HTTP server (node:http): reads each body with a cap, dispatches to a Route, and turns
// anything a handler throws into a 500 without details. No feature logic lives here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { secretValuesReplacer } from '../log/redact-text.js';
import { type HttpRequest, type HttpResponse, json, type Route } from './route.js';
import { guardSockets, type SocketCut } from './socket-guard.js';

export interface HttpServerOptions {
  routes: readonly Route[];
  logger: Logger;
  /** Default body cap; a route may set its own `maxBodyBytes`. */
  maxBodyBytes?: number;
  /** Whole-request budget for slow clients (body included). */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Open connections one client address may hold; more are closed at once (default 256). */
  maxConnectionsPerAddress?: number;
  /** Told of each socket the deadlines or the per-address cap closed. */
  onSocketCut?: (cut: SocketCut) => void;
  /** Configured secret values: replaced in every answer's body and headers, whatever route wrote it. */
  secrets?: readonly string[];
  /** Told of answers the server gives without a handler (400, 404, 405, 413), e.g. for metrics. */
  onServerAnswer?: (answer: { route?: string; method: string; status: number }) => void;
}

export interface HttpServer {
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting connections and waits up to `graceMs` for in-flight requests (idle sockets are closed). */
  close(graceMs?: number): Promise<void>;
  readonly server: Server;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Segments of letters, digits, `-` and `_`: what `new URL` would leave exactly as it is. */
const PLAIN_PATH = /^\/$|^(?:\/[A-Za-z0-9_-]+)+\/?$/;

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger } = options;
  const maxDefault = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const table = new Map<string, Route[]>();
  for (const route of options.routes) table.set(route.path, [...(table.get(route.path) ?? []), route]);

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer({
    requestTimeout: options.requestTimeoutMs ?? 15_000,
    headersTimeout,
    // Node checks those timeouts on this interval (30 s by default): slow clients would linger.
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeout / 2))),
  });
  server.keepAliveTimeout = 5_000;
  guardSockets(server, {
    headersTimeoutMs: headersTimeout,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    keepAliveTimeoutMs: server.keepAliveTimeout,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 256,
    ...(options.onSocketCut ? { onCut: options.onSocketCut } : {}),
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // Reached only if writing the response itself failed; the socket is already gone.
      logger.warn({ err: error }, 'http response failed');
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Malformed requests and timeouts: answer 400/408 when the socket can still take it.
    if (socket.writable && !socket.destroyed) {
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    } else socket.destroy();
  });

  const secrets = options.secrets ?? [];
  const scrub = secrets.length === 0 ? undefined : secretValuesReplacer(secrets);
  // Every answer leaves through here: the one place an echoed secret is caught on the way out.
  const send = (res: ServerResponse, response: HttpResponse, headOnly = false): void => {
    if (res.headersSent || res.destroyed) return;
    const out = scrub ? scrubbed(response, scrub) : response;
    const body = out.body ?? '';
    res.writeHead(out.status, { ...out.headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(headOnly ? undefined : body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let path = req.url ?? '/';
    let query = new URLSearchParams();
    // A plain path (every route, every webhook in a storm) is its own pathname: no URL to build.
    if (!PLAIN_PATH.test(path)) {
      try {
        const url = new URL(path, 'http://localhost');
        path = url.pathname;
        query = url.searchParams;
      } catch {
        options.onServerAnswer?.({ method: req.method ?? 'GET', status: 400 });
        return send(res, json(400, { error: 'bad request line' }));
      }
    }
    const candidates = table.get(path);
    if (!candidates) {
      options.onServerAnswer?.({ method: req.method ?? 'GET', status: 404 });
      return send(res, json(404, { error: 'not found' }));
    }
    const method = req.method ?? 'GET';
    const route = candidates.find((r) => r.method === method || (method === 'HEAD' && r.method === 'GET'));
    if (!route) {
      req.resume();
      options.onServerAnswer?.({ route: path, method, status: 405 });
      return send(
        res,
        json(405, { error: 'method not allowed' }, { allow: candidates.map((r) => r.method).join(', ') }),
      );
    }
    const body = await readBody(req, route.maxBodyBytes ?? maxDefault);
    if (body === 'too-large') {
      options.onServerAnswer?.({ route: route.path, method, status: 413 });
      return send(res, json(413, { error: 'request body too large' }, { connection: 'close' }));
    }
    if (body === 'aborted') return;
    const request: HttpRequest = { method, path, query, headers: req.headers, body };
    if (req.socket.remoteAddress !== undefined) request.remoteAddress = req.socket.remoteAddress;
    let response: HttpResponse;
    try {
      response = await route.handle(request);
    } catch (error) {
      logger.error({ err: error, path, method }, 'route handler failed');
      response = json(500, { error: 'internal error' });
    }
    send(res, response, method === 'HEAD');
    logger.debug(
      { path, method, status: response.status, ms: Math.round(performance.now() - started) },
      'http request',
    );
  }

  return {
    server,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: (graceMs = 5000) =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        // Requests in flight get `graceMs` to finish; then their sockets are cut.
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return resolve('too-large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (value: Buffer | 'too-large' | 'aborted') => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        req.resume(); // drain and discard the rest; the 413 goes out with connection: close
        return finish('too-large');
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks, size)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish('aborted'));
  });
}

function scrubbed(response: HttpResponse, clean: (text: string) => string): HttpResponse {
  const raw = response.body ?? '';
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const body = clean(text);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = clean(value);
  return { status: response.status, headers, body: body === text ? raw : body };
}
