// The misbehaving-origin lab: one loopback address per named behaviour (127.0.0.x), each with an
// "HTTP" and an "HTTPS" port that behave as that origin would. Everything is a real socket speaking
// the real wire format; the prober must classify it from what the kernel, TLS stack and parser say.
//
// Usage (tests, e2e, benchmarks):
//   const lab = await startOriginLab({ site: 'shop.example.com', delayMs: 200 });
//   lab.origins.refused.address, lab.origins.expired.httpsPort, lab.ca (PEM, pass as extraCa), lab.connections('healthy')
//   await lab.close();
// The origins themselves are in origin-lab-origins.ts, their sockets' behaviour in origin-lab-handlers.ts.
import { createServer, type Server, type Socket } from 'node:net';
import { type LabCertificates, makeLabCertificates } from './certs.js';
import { type Blackhole, startBlackhole } from './origin-blackhole.js';
import { behaviourCert, handlerFor } from './origin-lab-handlers.js';
import { LAB_ORIGINS, type LabOriginName, type PortBehaviour } from './origin-lab-origins.js';

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
