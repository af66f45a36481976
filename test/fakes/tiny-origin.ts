// One tiny misbehaving origin on loopback, for table-driven sweeps: a plain or TLS listener on an
// address of its own whose `respond` writes exactly the bytes (or resets) the case stands for, and
// counts the connections it accepted (so a test can say where the probe connected).
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket, type TlsOptions } from 'node:tls';

export type Respond = (socket: Socket, tcp: Socket) => void;

export interface TinySpec {
  respond: Respond;
  /** TLS on this port with these options (cert/key, versions, ciphers); plain TCP without. */
  tls?: TlsOptions;
}

export interface TinyOrigin {
  address: string;
  port: number;
  connections(): number;
  close(): Promise<void>;
}

export async function startTinyOrigin(address: string, spec: TinySpec): Promise<TinyOrigin> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const context = spec.tls ? createSecureContext(spec.tls) : undefined;
  const server: Server = createTcpServer((tcp) => {
    accepted += 1;
    track(tcp);
    if (!spec.tls || !context) {
      spec.respond(tcp, tcp);
      return;
    }
    // The TLS side over this very TCP socket, so a case can reset the connection under it.
    const secure = new TLSSocket(tcp, { ...spec.tls, isServer: true, secureContext: context });
    track(secure);
    secure.once('secure', () => spec.respond(secure, tcp));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    address,
    port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Calls back with the request head once it has arrived (or at once for a non-HTTP first chunk). */
export function afterRequest(socket: Socket, then: () => void): void {
  let seen = '';
  const onData = (chunk: Buffer) => {
    seen += chunk.toString('latin1');
    if (!seen.includes('\r\n\r\n') && seen.length < 65536) return;
    socket.removeListener('data', onData);
    then();
  };
  socket.on('data', onData);
}

/** A raw HTTP/1.1 answer: status line, headers and body exactly as given. */
export function raw(status: string, headers: Record<string, string>, body = ''): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status}\r\n${lines.join('')}\r\n${body}`;
}
