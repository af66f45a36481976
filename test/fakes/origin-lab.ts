// The misbehaving-origin lab: one loopback address per named behaviour (127.0.0.x), each with an
// "HTTP" and an "HTTPS" port that behave as that origin would. Everything is a real socket speaking
// the real wire format; the prober must classify it from what the kernel, TLS stack and parser say.
//
// Usage (tests, e2e, benchmarks):
//   const lab = await startOriginLab({ site: 'shop.example.com', delayMs: 200 });
//   lab.origins.refused.address, lab.origins.expired.httpsPort, lab.ca (PEM, pass as extraCa), lab.connections('healthy')
//   await lab.close();
import { createSecureServer } from 'node:http2';
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { type KeyPair, type LabCertificates, makeLabCertificates } from './certs.js';
import {
  type Responder,
  type ResponderName,
  responders,
  type StatefulResponderName,
  statefulResponders,
} from './origin-behaviours.js';
import { type Blackhole, startBlackhole } from './origin-blackhole.js';

type CertName = Exclude<keyof LabCertificates, 'ca'>;

/** What one port of an origin does. */
export type PortBehaviour =
  | { kind: 'closed' }
  | { kind: 'blackhole' }
  | { kind: 'plain'; respond: AnyResponder }
  | {
      kind: 'tls';
      cert: CertName;
      respond: AnyResponder;
      /**
       * Sends a CertificateRequest. `required` fails the handshake without one (nginx
       * `ssl_verify_client on`); `optional` completes it and lets the responder answer (nginx
       * `optional`, which then answers 400 itself).
       */
      clientCert?: 'required' | 'optional';
      /** Highest TLS version offered (TLS 1.2 origins fail a required client certificate in the handshake). */
      maxVersion?: 'TLSv1.2' | 'TLSv1.3';
      /** Offers h2 in ALPN: `h2` speaks it (node:http2); `h2-broken` then answers in HTTP/1.1 bytes. */
      h2?: 'h2' | 'h2-broken';
    };

/** A fixed behaviour, or one with state (a seeded random sequence, a clock) made fresh per lab and port. */
type AnyResponder = ResponderName | StatefulResponderName;

function responderFor(name: AnyResponder): Responder {
  return name in statefulResponders
    ? statefulResponders[name as StatefulResponderName]()
    : responders[name as ResponderName];
}

const plain = (respond: AnyResponder): PortBehaviour => ({ kind: 'plain', respond });
const tls = (respond: AnyResponder, cert: CertName = 'valid'): PortBehaviour => ({
  kind: 'tls',
  cert,
  respond,
});
const closed: PortBehaviour = { kind: 'closed' };

export const LAB_ORIGINS = {
  healthy: { http: plain('ok'), https: tls('ok') },
  refused: { http: closed, https: closed },
  blackhole: { http: { kind: 'blackhole' }, https: { kind: 'blackhole' } },
  reset: { http: plain('resetAfterRequest'), https: tls('resetAfterRequest') },
  resetOnAccept: { http: plain('reset'), https: plain('reset') },
  stall: { http: plain('stall'), https: tls('stall') },
  tlsStall: { http: plain('ok'), https: plain('stall') },
  garbage: { http: plain('garbage'), https: tls('garbage') },
  badGateway: { http: plain('badGateway'), https: tls('badGateway') },
  serverError: { http: plain('serverError'), https: tls('serverError') },
  plainOnTls: { http: plain('ok'), https: plain('ok') },
  noHttps: { http: plain('ok'), https: closed },
  noHttp: { http: closed, https: tls('ok') },
  tlsAlert: { http: plain('ok'), https: plain('tlsAlert') },
  expired: { http: plain('ok'), https: tls('ok', 'expired') },
  expiring: { http: plain('ok'), https: tls('ok', 'expiring') },
  selfSigned: { http: plain('ok'), https: tls('ok', 'selfSigned') },
  wrongName: { http: plain('ok'), https: tls('ok', 'wrongName') },
  hugeHeaders: { http: plain('hugeHeaders'), https: tls('hugeHeaders') },
  http10: { http: plain('http10'), https: tls('http10') },
  closeMidHeaders: { http: plain('closeMidHeaders'), https: tls('closeMidHeaders') },
  slowBody: { http: plain('slowBody'), https: tls('slowBody') },
  /** `Connection: close` on every response: keep-alive off. */
  noKeepAlive: { http: plain('okClose'), https: tls('okClose') },
  /** Closes idle kept-alive connections after 2 s without announcing it (gunicorn's default). */
  idleClose: { http: plain('okIdleClose2s'), https: tls('okIdleClose2s') },
  /** Closes idle connections after 3 s and says so in `Keep-Alive: timeout=3`. */
  idleCloseHinted: { http: plain('okIdleClose3sHint'), https: tls('okIdleClose3sHint') },
  /** Resets one connection in three after reading the request. */
  flakyReset: { http: plain('flakyReset'), https: tls('flakyReset') },
  /** Answers one connection in three with a 502 page. */
  flaky502: { http: plain('flaky502'), https: tls('flaky502') },
  /** Resets one connection in three at random (seeded: the same connections on every run), the edge's included. */
  flakyRandom: { http: plain('randomReset'), https: tls('randomReset') },
  /** Resets every connection accepted in the first 500 ms of each second: errors in bursts. */
  flakyBurst: { http: plain('burstReset'), https: tls('burstReset') },
  /** One connection in three (seeded) answers only after 6 s: slow now and then, a 524 at the edge. */
  flakySlow: { http: plain('randomSlow'), https: tls('randomSlow') },
  /** Fresh connections work; a second request on a kept-alive connection is reset. */
  resetOnReuse: { http: plain('resetOnReuse'), https: tls('resetOnReuse') },
  /** Authenticated Origin Pulls: the origin demands a client certificate the prober does not have. */
  clientCert: {
    http: plain('ok'),
    https: { kind: 'tls', cert: 'valid', respond: 'ok', clientCert: 'required' },
  },
  /** The same on a TLS 1.2-only server: the handshake itself fails (handshake_failure alert). */
  clientCertTls12: {
    http: plain('ok'),
    https: { kind: 'tls', cert: 'valid', respond: 'ok', clientCert: 'required', maxVersion: 'TLSv1.2' },
  },
  /** nginx `ssl_verify_client optional`: handshake completes, then 400 "No required SSL certificate". */
  clientCertOptional: {
    http: plain('ok'),
    https: { kind: 'tls', cert: 'valid', respond: 'noClientCert', clientCert: 'optional' },
  },
  /** Offers h2 in ALPN and serves HTTP/2 properly (and HTTP/1.1 to clients that only offer that). */
  http2: { http: plain('ok'), https: { kind: 'tls', cert: 'valid', respond: 'ok', h2: 'h2' } },
  /** Offers h2 in ALPN, then speaks HTTP/1.1 on the h2 connection: Cloudflare shows 520. */
  http2Broken: {
    http: plain('ok'),
    https: { kind: 'tls', cert: 'valid', respond: 'ok', h2: 'h2-broken' },
  },
  /** Nothing on 80; 443 completes TLS and then never answers (Full mode: 524; Flexible: 521). */
  stallNoHttp: { http: closed, https: tls('stall') },
  /** Listens only on the lab's alternate port (an Origin Rule's destination port override). */
  altPortOnly: { http: closed, https: closed, alt: tls('ok') },
} satisfies Record<string, { http: PortBehaviour; https: PortBehaviour; alt?: PortBehaviour }>;

export type LabOriginName = keyof typeof LAB_ORIGINS;

export interface LabOrigin {
  address: string;
  httpPort: number;
  httpsPort: number;
  /** The lab-wide alternate port; only origins with an `alt` behaviour listen there. */
  altPort: number;
}

export interface OriginLabOptions {
  /** The site name leaf certificates are issued for (SNI/Host the prober sends). */
  site?: string;
  /** Delay before each accepted connection starts behaving (benchmarks: 200 ms). */
  delayMs?: number;
  /** First three octets of the lab's addresses; origins take .20, .21, … */
  subnet?: string;
  /** Bind 80/443 instead of ephemeral ports (needs root or a low ip_unprivileged_port_start). */
  standardPorts?: boolean;
  /** Only start these origins (default: all). */
  only?: readonly LabOriginName[];
}

export interface OriginLab {
  site: string;
  /** The port every origin's "HTTP" side listens on (80 with standardPorts). */
  httpPort: number;
  /** The port every origin's "HTTPS" side listens on (443 with standardPorts). */
  httpsPort: number;
  /** A third port, where only origins with an `alt` behaviour listen (Origin Rule port overrides). */
  altPort: number;
  origins: Record<LabOriginName, LabOrigin>;
  /** The lab CA's certificate (PEM): pass it to the prober as `extraCa`. */
  ca: string;
  certs: LabCertificates;
  /** TCP connections accepted so far by an origin (both ports). */
  connections(name: LabOriginName): number;
  close(): Promise<void>;
}

export async function startOriginLab(options: OriginLabOptions = {}): Promise<OriginLab> {
  const certs = await makeLabCertificates(options.site ?? 'shop.example.com');
  // Every origin shares one HTTP and one HTTPS port number (on its own address), so a check can be
  // pointed at the lab with one port override; a clash with another socket just picks new numbers.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, certs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.standardPorts || attempt >= 5)
        throw error;
    }
  }
}

async function startOnce(options: OriginLabOptions, certs: LabCertificates): Promise<OriginLab> {
  const site = options.site ?? 'shop.example.com';
  const subnet = options.subnet ?? '127.0.0';
  const delayMs = options.delayMs ?? 0;
  const servers: Server[] = [];
  const blackholes: Blackhole[] = [];
  const sockets = new Set<Socket>();
  const counts = new Map<LabOriginName, number>();
  const names = (Object.keys(LAB_ORIGINS) as LabOriginName[]).filter(
    (n) => !options.only || options.only.includes(n),
  );
  const [httpPort, httpsPort, freeAlt] = await freePorts(`${subnet}.20`);
  const ports = options.standardPorts ? { httpPort: 80, httpsPort: 443 } : { httpPort, httpsPort };
  const altPort = options.standardPorts ? 8443 : freeAlt;

  const open = async (name: LabOriginName, address: string, behaviour: PortBehaviour, port: number) => {
    if (behaviour.kind === 'blackhole') {
      blackholes.push(await startBlackhole(address, port));
      return;
    }
    const handle =
      behaviour.kind === 'closed' ? undefined : handlerFor(behaviour, certs[behaviourCert(behaviour)]);
    const server = createServer((socket) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      if (delayMs > 0) {
        setTimeout(() => {
          if (!socket.destroyed) handle?.(socket);
        }, delayMs).unref();
      } else handle?.(socket);
    });
    // A closed port is simply not listened on: the kernel refuses connects to it.
    if (behaviour.kind === 'closed') return;
    await listen(server, address, port);
    servers.push(server);
  };

  const origins = {} as Record<LabOriginName, LabOrigin>;
  try {
    await Promise.all(
      names.map(async (name, index) => {
        const address = `${subnet}.${20 + index}`;
        const spec = LAB_ORIGINS[name] as { http: PortBehaviour; https: PortBehaviour; alt?: PortBehaviour };
        await Promise.all([
          open(name, address, spec.http, ports.httpPort),
          open(name, address, spec.https, ports.httpsPort),
          ...(spec.alt ? [open(name, address, spec.alt, altPort)] : []),
        ]);
        origins[name] = { address, ...ports, altPort };
      }),
    );
  } catch (error) {
    await shutdown(servers, blackholes, sockets);
    throw Object.assign(error as Error, { code: (error as NodeJS.ErrnoException).code ?? 'EADDRINUSE' });
  }

  return {
    site,
    origins,
    ...ports,
    altPort,
    ca: certs.ca.cert,
    certs,
    connections: (name) => counts.get(name) ?? 0,
    close: () => shutdown(servers, blackholes, sockets),
  };
}

/** Three port numbers free right now on the first lab address. */
async function freePorts(address: string): Promise<[number, number, number]> {
  const probes = [createServer(), createServer(), createServer()];
  await Promise.all(probes.map((server) => listen(server, address, 0)));
  const ports = probes.map((server) => (server.address() as { port: number }).port) as [
    number,
    number,
    number,
  ];
  await Promise.all(probes.map((server) => new Promise<void>((done) => server.close(() => done()))));
  return ports;
}

function behaviourCert(behaviour: PortBehaviour): CertName {
  return behaviour.kind === 'tls' ? behaviour.cert : 'valid';
}

function handlerFor(behaviour: PortBehaviour, pair: KeyPair): ((socket: Socket) => void) | undefined {
  if (behaviour.kind === 'plain') {
    const respond = responderFor(behaviour.respond);
    return (socket) => respond(socket, socket);
  }
  if (behaviour.kind !== 'tls') return undefined;
  const respond = responderFor(behaviour.respond);
  const context = createSecureContext({
    cert: pair.cert,
    key: pair.key,
    ...(behaviour.maxVersion ? { maxVersion: behaviour.maxVersion } : {}),
  });
  if (behaviour.h2 === 'h2') return http2Responder(pair);
  return (tcp) => {
    const socket = new TLSSocket(tcp, {
      isServer: true,
      secureContext: context,
      ALPNProtocols: behaviour.h2 ? ['h2', 'http/1.1'] : ['http/1.1'],
      requestCert: behaviour.clientCert !== undefined,
      rejectUnauthorized: behaviour.clientCert === 'required',
    });
    socket.on('error', () => tcp.destroy());
    socket.once('secure', () => {
      // h2-broken: agreed to h2, answers as if it were HTTP/1.1 (a proxy that advertises what it cannot speak).
      if (socket.alpnProtocol === 'h2') {
        socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
        return;
      }
      respond(socket, tcp);
    });
  };
}

/** A real HTTP/2 server (node:http2, HTTP/1.1 allowed for clients that only offer that), fed each accepted TCP socket. */
function http2Responder(pair: KeyPair): (socket: Socket) => void {
  const server = createSecureServer({ cert: pair.cert, key: pair.key, allowHTTP1: true }, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', server: `lab-origin-h${req.httpVersionMajor}` });
    res.end('<!doctype html><title>shop</title>ok');
  });
  server.on('sessionError', () => {});
  server.on('tlsClientError', () => {});
  return (socket) => server.emit('connection', socket);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

async function shutdown(servers: Server[], blackholes: Blackhole[], sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await Promise.all([
    ...servers.map((server) => new Promise<void>((done) => server.close(() => done()))),
    ...blackholes.map((hole) => hole.close()),
  ]);
}
