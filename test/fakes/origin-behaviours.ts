// How each lab origin misbehaves once a connection is open (after TLS, for HTTPS ports). Responses
// are written as raw bytes so the lab can speak exactly the broken wire format it stands for.
import type { Socket } from 'node:net';

/** `socket` speaks the protocol (TLS or plain); `tcp` is the raw connection under it, for resets. */
export type Responder = (socket: Socket, tcp: Socket) => void;

const MAX_REQUEST_HEAD = 64 * 1024;

/** Calls back once the request head (up to the blank line) has arrived; gives up on huge heads. */
export function onRequestHead(socket: Socket, callback: (head: string) => void): void {
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    const looksLikeHttp = /^[A-Z]/.test(buffered);
    const end = buffered.indexOf('\r\n\r\n');
    if (looksLikeHttp && end === -1 && buffered.length < MAX_REQUEST_HEAD) return;
    socket.removeListener('data', onData);
    // Like nginx: a request that is not HTTP (a TLS ClientHello on the plain port) gets a 400.
    if (!/^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/.test(buffered)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    callback(buffered.slice(0, end === -1 ? buffered.length : end));
  };
  socket.on('data', onData);
}

function respond(raw: string | Buffer, close = true): Responder {
  return (socket) =>
    onRequestHead(socket, () => {
      socket.write(raw);
      if (close) socket.end();
    });
}

function httpResponse(
  status: string,
  headers: Record<string, string>,
  body: string,
  version = '1.1',
): string {
  const lines = Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(body)) }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  return `HTTP/${version} ${status}\r\n${lines.join('')}\r\n${body}`;
}

const HTML = { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' };

export const NGINX_502_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.24.0</center>
</body>
</html>
`;

/**
 * nginx's answer when `ssl_verify_client optional` (or `on` with the error page kept) gets no client
 * certificate: status 400 with this page (nginx source, src/http/ngx_http_special_response.c,
 * ngx_http_error_496_page).
 */
export const NGINX_NO_CLIENT_CERT_PAGE = `<html>
<head><title>400 No required SSL certificate was sent</title></head>
<body>
<center><h1>400 Bad Request</h1></center>
<center>No required SSL certificate was sent</center>
<hr><center>nginx</center>
</body>
</html>
`;

const OK_PAGE = '<!doctype html><title>shop</title>ok';

/**
 * A web server that keeps connections alive the way nginx does: answers every request on the
 * connection with a framed 200, and closes the connection once it has been idle `idleMs` (nginx's
 * `keepalive_timeout`, default 75 s; Apache/Node 5 s; gunicorn 2 s). `hint` announces the timeout in
 * `Keep-Alive: timeout=N` as Apache and Node do.
 */
function keepAlive(idleMs: number, hint = false): Responder {
  return (socket) => {
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => socket.end(), idleMs);
      idle.unref();
    };
    socket.on('close', () => clearTimeout(idle));
    const next = () =>
      onRequestHead(socket, () => {
        clearTimeout(idle);
        const headers: Record<string, string> = {
          'Content-Type': 'text/html; charset=utf-8',
          Server: 'lab-origin',
          Connection: 'keep-alive',
          ...(hint ? { 'Keep-Alive': `timeout=${Math.round(idleMs / 1000)}` } : {}),
        };
        socket.write(httpResponse('200 OK', headers, OK_PAGE));
        arm();
        next();
      });
    arm();
    next();
  };
}

/** Every `n`th connection accepted (counted per origin) gets `bad`; the others `good`. */
function everyNth(n: number, bad: Responder, good: Responder): Responder {
  let count = 0;
  return (socket, tcp) => {
    count += 1;
    (count % n === 0 ? bad : good)(socket, tcp);
  };
}

const resetAfterRequest: Responder = (socket, tcp) => onRequestHead(socket, () => tcp.resetAndDestroy());

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence of draws, so a lab origin
 * failing "at random" fails the same connections, in accept order, on every run.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Each connection accepted gets `bad` with probability `rate`, drawn per connection from a seeded
 * sequence — whoever opened it (the edge or the prober), as a real flaky origin would not know.
 * A fresh sequence per lab (the factory is called when the lab starts).
 */
function atRandom(seed: number, rate: number, bad: Responder, good: Responder): () => Responder {
  return () => {
    const draw = seededRandom(seed);
    return (socket, tcp) => (draw() < rate ? bad : good)(socket, tcp);
  };
}

/**
 * Fails every connection accepted during the first `burstMs` of each `periodMs` (counted from the
 * lab's start): errors that come in bursts, as an origin restarting workers or a saturated upstream.
 */
function inBursts(periodMs: number, burstMs: number, bad: Responder, good: Responder): () => Responder {
  return () => {
    const started = performance.now();
    return (socket, tcp) => ((performance.now() - started) % periodMs < burstMs ? bad : good)(socket, tcp);
  };
}

/**
 * Answers the first request on the connection only after `ms` (a slow worker, a lock, a GC pause),
 * then serves the connection like `then` (which waits for the next request).
 */
function slowFirst(ms: number, then: Responder): Responder {
  return (socket, tcp) =>
    onRequestHead(socket, () => {
      const timer = setTimeout(() => {
        if (socket.destroyed) return;
        const headers = {
          'Content-Type': 'text/html; charset=utf-8',
          Server: 'lab-origin',
          Connection: 'keep-alive',
        };
        socket.write(httpResponse('200 OK', headers, OK_PAGE));
        then(socket, tcp);
      }, ms);
      socket.on('close', () => clearTimeout(timer));
    });
}

/**
 * Answers the first request on a connection, and resets the connection when a second request
 * arrives on it: a proxy or app server that breaks reused connections. Fresh connections always
 * work; Cloudflare, which reuses them, gets 520/502.
 */
const resetOnReuse: Responder = (socket, tcp) =>
  onRequestHead(socket, () => {
    const headers = {
      'Content-Type': 'text/html; charset=utf-8',
      Server: 'lab-origin',
      Connection: 'keep-alive',
    };
    socket.write(httpResponse('200 OK', headers, OK_PAGE));
    onRequestHead(socket, () => tcp.resetAndDestroy());
  });

/** Behaviours that keep state per lab (a random sequence, a clock): made fresh when a lab starts. */
export const statefulResponders = {
  /** Resets one connection in three at random (seeded), whoever opened it. */
  randomReset: atRandom(502, 1 / 3, resetAfterRequest, keepAlive(75_000)),
  /** Resets every connection accepted in the first 500 ms of each second. */
  burstReset: inBursts(1000, 500, resetAfterRequest, keepAlive(75_000)),
  /** One connection in three (seeded) waits 6 s before answering: past the probe budget, a 524 at the edge. */
  randomSlow: atRandom(524, 1 / 3, slowFirst(6000, keepAlive(75_000)), keepAlive(75_000)),
} satisfies Record<string, () => Responder>;

export type StatefulResponderName = keyof typeof statefulResponders;

export const responders = {
  /** Keeps connections alive like nginx's default (75 s idle). */
  ok: keepAlive(75_000),
  /** Answers `Connection: close` and closes after every response (keep-alive off). */
  okClose: respond(httpResponse('200 OK', { ...HTML, Server: 'lab-origin' }, OK_PAGE)),
  /** Keep-alive, but idle connections are closed after 2 s, unannounced (gunicorn's default). */
  okIdleClose2s: keepAlive(2000),
  /** Keep-alive with a 3 s idle timeout announced as `Keep-Alive: timeout=3` (Apache/Node style). */
  okIdleClose3sHint: keepAlive(3000, true),
  /** One connection in three is reset after the request arrives; the others are answered. */
  flakyReset: everyNth(3, resetAfterRequest, keepAlive(75_000)),
  /** One connection in three gets the web server's 502 page; the others are answered. */
  flaky502: everyNth(
    3,
    respond(httpResponse('502 Bad Gateway', { ...HTML, Server: 'nginx/1.24.0' }, NGINX_502_PAGE)),
    keepAlive(75_000),
  ),
  noClientCert: respond(
    httpResponse('400 Bad Request', { ...HTML, Server: 'nginx' }, NGINX_NO_CLIENT_CERT_PAGE),
  ),
  badGateway: respond(httpResponse('502 Bad Gateway', { ...HTML, Server: 'nginx/1.24.0' }, NGINX_502_PAGE)),
  /** An application's own 500, not a gateway page. */
  serverError: respond(
    httpResponse('500 Internal Server Error', { ...HTML, Server: 'gunicorn' }, 'Internal Server Error'),
  ),
  http10: respond(
    httpResponse('200 OK', { 'Content-Type': 'text/html', Server: 'lab-http10' }, '<p>old</p>', '1.0'),
  ),
  hugeHeaders: respond(
    httpResponse(
      '200 OK',
      {
        ...HTML,
        Server: 'lab-origin',
        ...Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`X-Bloat-${i}`, 'b'.repeat(1000)])),
      },
      'ok',
    ),
  ),
  garbage: respond(Buffer.from('\x00\x01garbage\xff\xfe not http at all\r\n\r\n', 'latin1')),
  closeMidHeaders: respond('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Partial: y', true),
  /** Sends the status line and headers, then trickles the body forever. */
  slowBody: ((socket) =>
    onRequestHead(socket, () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>');
      const timer = setInterval(() => socket.write(' '), 200);
      socket.on('close', () => clearInterval(timer));
    })) as Responder,
  /** Accepts and reads, never answers. */
  stall: ((socket) => {
    socket.on('data', () => {});
  }) as Responder,
  /** Accepts, then answers with a TCP RST. */
  reset: ((_socket, tcp) => {
    tcp.resetAndDestroy();
  }) as Responder,
  /** Reads the request, then resets instead of answering. */
  resetAfterRequest,
  /** Answers the first request on a connection, resets on the next one (reused connections break). */
  resetOnReuse,
  /** Answers a ClientHello with a fatal TLS alert (handshake_failure), byte for byte. */
  tlsAlert: ((socket) => {
    socket.once('data', () => socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])));
  }) as Responder,
} satisfies Record<string, Responder>;

export type ResponderName = keyof typeof responders;
