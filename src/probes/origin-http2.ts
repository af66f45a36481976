// The HTTP/2 leg of the origin probe. Cloudflare speaks HTTP/2 to an origin that selects `h2` in
// ALPN (when the zone's origin HTTP version allows it); an origin that advertises h2 and then
// cannot speak it gives visitors 520 while HTTP/1.1 clients see nothing wrong. This opens its own
// connection to the already-guarded IP (the caller passes the literal, never a name), offers
// `h2, http/1.1`, and — only when the origin picks h2 — makes one GET with node:http2 over that
// very socket. Everything is bounded by the signal and torn down before returning.
import { constants, connect as http2Connect } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { ErrorInfo, Http2Observation } from '../diagnosis/ports.js';
import { connectTcp } from './tcp-connect.js';
import { handshake } from './tls-handshake.js';

export interface Http2Spec {
  ip: string;
  port: number;
  /** SNI to send. */
  servername: string;
  /** `:authority` (the Host header Cloudflare would send). */
  authority: string;
  path: string;
}

export async function probeHttp2(spec: Http2Spec, signal: AbortSignal): Promise<Http2Observation> {
  const tcp = await connectTcp(spec.ip, spec.port, signal);
  if (!tcp.ok) return { offered: false, outcome: 'connect_failed', error: tcp.error };
  const secured = await handshake(tcp.socket, spec.servername, signal, { alpn: ['h2', 'http/1.1'] });
  if (!secured.ok) return { offered: false, outcome: 'tls_failed', error: secured.error };
  if (secured.socket.alpnProtocol !== 'h2') {
    secured.socket.destroy();
    return { offered: false };
  }
  return requestOverH2(secured.socket, spec, signal);
}

function requestOverH2(socket: TLSSocket, spec: Http2Spec, signal: AbortSignal): Promise<Http2Observation> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const session = http2Connect(`https://${spec.authority}`, { createConnection: () => socket });
    const finish = (result: Omit<Http2Observation, 'offered'>) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      session.on('error', () => {});
      session.destroy();
      socket.destroy();
      resolve({ offered: true, ...result });
    };
    const onAbort = () =>
      finish({
        outcome: 'response_timeout',
        error: { code: 'ERR_HTTP2_TIMEOUT', message: 'no HTTP/2 response within the budget' },
      });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    session.on('error', (error: NodeJS.ErrnoException) => finish(failure(error)));
    session.on('goaway', (code: number) => {
      if (code !== constants.NGHTTP2_NO_ERROR) {
        finish({
          outcome: 'protocol_error',
          error: { code: `GOAWAY_${code}`, message: `the origin sent GOAWAY with error code ${code}` },
        });
      }
    });
    session.on('close', () =>
      finish({
        outcome: 'reset',
        error: { code: 'ERR_HTTP2_SESSION_CLOSED', message: 'the origin closed the HTTP/2 connection' },
      }),
    );
    const stream = session.request({
      ':method': 'GET',
      ':path': spec.path || '/',
      ':authority': spec.authority,
      accept: 'text/html',
      'user-agent': 'check502 (origin probe, HTTP/2)',
    });
    stream.on('response', (headers) => {
      const status = Number(headers[':status']);
      finish({ outcome: 'response', status, ttfbMs: Math.round(performance.now() - started) });
    });
    stream.on('error', (error: NodeJS.ErrnoException) => finish(failure(error)));
    stream.on('close', () => {
      if (stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR) {
        finish({
          outcome: 'protocol_error',
          error: {
            code: `RST_STREAM_${stream.rstCode}`,
            message: `the origin reset the HTTP/2 stream (error code ${stream.rstCode})`,
          },
        });
      }
    });
    stream.end();
  });
}

function failure(error: NodeJS.ErrnoException): Omit<Http2Observation, 'offered'> {
  const code = typeof error.code === 'string' && error.code !== '' ? error.code : 'ERR_HTTP2';
  const info: ErrorInfo = { code, message: error.message.slice(0, 300) };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { outcome: 'reset', error: info };
  return { outcome: 'protocol_error', error: info };
}
