// Opens the TCP connection to an already-guarded IP literal and names the failure the way the socket
// reports it: refused (RST to our SYN), timed out (no SYN-ACK within the budget), or unreachable.
import { connect, type Socket } from 'node:net';
import type { ErrorInfo, OriginOutcome } from '../diagnosis/ports.js';

export type TcpResult =
  | { ok: true; socket: Socket; connectMs: number }
  | { ok: false; outcome: OriginOutcome; error: ErrorInfo; connectMs: number };

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);

export function connectTcp(ip: string, port: number, signal: AbortSignal): Promise<TcpResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve({ ok: false, outcome: 'connect_timeout', error: timeoutError(ip, port), connectMs: 0 });
      return;
    }
    // An IP literal: net.connect does no DNS lookup, so we connect to exactly the address judged.
    const socket = connect({ host: ip, port, noDelay: true });
    const finish = (result: TcpResult) => {
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
      if (!result.ok) socket.destroy();
      // Until TLS or undici attach their own handlers, a late error must not become an uncaught exception.
      else socket.on('error', () => {});
      resolve(result);
    };
    const onConnect = () => finish({ ok: true, socket, connectMs: elapsed() });
    const onError = (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ECONNECT';
      finish({
        ok: false,
        outcome: classify(code),
        error: { code, message: error.message },
        connectMs: elapsed(),
      });
    };
    const onAbort = () =>
      finish({ ok: false, outcome: 'connect_timeout', error: timeoutError(ip, port), connectMs: elapsed() });
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function classify(code: string): OriginOutcome {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return 'connect_timeout';
  if (code === 'ECONNRESET') return 'reset';
  if (UNREACHABLE.has(code)) return 'unreachable';
  // EACCES/EPERM (a local firewall) and anything unnamed: no path to the origin from here.
  return 'unreachable';
}

function timeoutError(ip: string, port: number): ErrorInfo {
  return { code: 'ETIMEDOUT', message: `no TCP connection to ${ip}:${port} within the budget` };
}
