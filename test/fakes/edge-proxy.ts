// The fake edge's proxy mode: forwards a request to a real origin the way Cloudflare connects
// (TCP, then TLS with SNI = the site's name, then HTTP/1.1 with Host = the site's name) and, when
// that fails, names the Cloudflare error the visitor would get, from what the socket reported:
// refused → 521, connect timeout → 522, no route → 523, no response in time → 524, TLS failure
// → 525, certificate rejected under strict → 526, reset or empty → 520, not HTTP → 502.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, type TLSSocket, connect as tlsConnect } from 'node:tls';

export interface OriginTarget {
  address: string;
  port: number;
  tls: boolean;
  /** Full (strict): the certificate must chain to `ca` and match the name. */
  strict?: boolean;
  ca?: string[];
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
}

export interface ForwardedRequest {
  method: string;
  path: string;
  host: string;
  headers: IncomingHttpHeaders;
}

export type ProxyResult =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: Buffer }
  | { kind: 'error'; code: number; reason: string };

const MAX_RELAYED_BODY = 1024 * 1024;

export async function forwardToOrigin(target: OriginTarget, req: ForwardedRequest): Promise<ProxyResult> {
  const tcp = await connectTcp(target);
  if ('code' in tcp) return tcp;
  let socket: Socket | TLSSocket = tcp.socket;
  if (target.tls) {
    const secured = await handshake(tcp.socket, target, req.host);
    if ('code' in secured) return secured;
    socket = secured.socket;
  }
  return exchange(socket, target, req);
}

function connectTcp(target: OriginTarget): Promise<{ socket: Socket } | ProxyError> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.address, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(fail(522, 'connection to the origin timed out'));
    }, target.connectTimeoutMs ?? 2000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ socket });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (error.code === 'ECONNREFUSED') resolve(fail(521, 'origin refused the connection'));
      else if (['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].includes(error.code ?? ''))
        resolve(fail(523, `origin unreachable (${error.code})`));
      else resolve(fail(520, `connect failed (${error.code ?? error.message})`));
    });
  });
}

function handshake(
  socket: Socket,
  target: OriginTarget,
  host: string,
): Promise<{ socket: TLSSocket } | ProxyError> {
  return new Promise((resolve) => {
    const secure = tlsConnect({
      socket,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: false,
      ...(target.ca ? { ca: target.ca } : {}),
    });
    const timer = setTimeout(() => {
      secure.destroy();
      resolve(fail(525, 'TLS handshake with the origin timed out'));
    }, target.connectTimeoutMs ?? 2000);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      if (target.strict) {
        const identity = checkServerIdentity(host, secure.getPeerCertificate());
        const problem = secure.authorized ? identity?.message : String(secure.authorizationError);
        if (problem) {
          secure.destroy();
          resolve(fail(526, `origin certificate rejected: ${problem}`));
          return;
        }
      }
      resolve({ socket: secure });
    });
    secure.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      secure.destroy();
      resolve(fail(525, `TLS handshake with the origin failed (${error.code ?? error.message})`));
    });
  });
}

function exchange(socket: Socket, target: OriginTarget, req: ForwardedRequest): Promise<ProxyResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: ProxyResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => settle(fail(524, 'origin did not answer in time')),
      target.responseTimeoutMs ?? 3000,
    );
    const headers = { ...req.headers, host: req.host, connection: 'close' };
    const outgoing = httpRequest({
      createConnection: () => socket,
      method: req.method,
      path: req.path,
      headers,
    });
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RELAYED_BODY) chunks.push(chunk);
      });
      const done = () =>
        settle({
          kind: 'response',
          status: incoming.statusCode ?? 502,
          headers: incoming.headers,
          body: Buffer.concat(chunks),
        });
      incoming.on('end', done);
      incoming.on('error', done);
      incoming.on('aborted', done);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code?.startsWith('HPE_'))
        settle(fail(502, `origin sent an invalid HTTP response (${error.code})`));
      else settle(fail(520, `origin closed or reset the connection (${error.code ?? error.message})`));
    });
    outgoing.end();
  });
}

type ProxyError = { kind: 'error'; code: number; reason: string };

function fail(code: number, reason: string): ProxyError {
  return { kind: 'error', code, reason };
}
