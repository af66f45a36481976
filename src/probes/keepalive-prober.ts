// Holds one connection to the origin open the way Cloudflare does (guard → TCP → TLS with SNI = the
// site), sends the planned requests on it, then leaves it idle and notes whether — and after how
// long — the origin closes it. A kept-alive connection the origin closes while Cloudflare may still
// reuse it is the classic cause of sporadic 520/502s. The signal bounds it all; the socket always dies.
import type {
  AddressPolicy,
  KeepAliveObservation,
  KeepAliveProber,
  KeptExchange,
  OriginProbeRequest,
} from '../diagnosis/ports.js';
import { type ResolveHost, resolveGuarded } from './guarded-connect.js';
import { Http1Connection } from './http1-connection.js';
import { connectTcp } from './tcp-connect.js';
import { handshake } from './tls-handshake.js';

export interface KeepAliveProberDeps {
  policy: AddressPolicy;
  resolve: ResolveHost;
  /** Body bytes read per response before giving up on reuse (default 1 MiB). */
  maxBodyBytes?: number;
}

export function createKeepAliveProber(deps: KeepAliveProberDeps): KeepAliveProber {
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
  return {
    async probe(request, plan, signal) {
      const observation: KeepAliveObservation = {
        request,
        exchanges: [],
        idleWatchedMs: 0,
        idlePlannedMs: 0,
      };
      const opened = await open(request, deps, signal);
      if (!opened.ok) {
        if (opened.ip !== undefined) observation.resolvedAddress = opened.ip;
        observation.setupFailure = opened.failure;
        return observation;
      }
      observation.resolvedAddress = opened.ip;
      const connection = new Http1Connection(opened.socket);
      const ready = performance.now();
      let lastResponseEnd = ready;
      const send = async (index: number): Promise<boolean> => {
        const atMs = Math.round(performance.now() - ready);
        const result = await connection.exchange(
          { host: request.host, path: request.path || '/', maxBodyBytes },
          signal,
        );
        const exchange: KeptExchange = { index, atMs, outcome: result.ok ? 'response' : result.outcome };
        if (result.ttfbMs !== undefined) exchange.ttfbMs = result.ttfbMs;
        if (!result.ok) {
          exchange.error = result.error;
          observation.exchanges.push(exchange);
          return false;
        }
        exchange.status = result.status;
        exchange.reusable = result.reusable;
        if (result.headers['connection'] !== undefined) exchange.connection = result.headers['connection'];
        if (result.headers['keep-alive'] !== undefined) exchange.keepAlive = result.headers['keep-alive'];
        observation.exchanges.push(exchange);
        lastResponseEnd = performance.now();
        return result.reusable;
      };
      const noteClose = () => {
        const at = connection.closedAt;
        if (at === undefined || observation.closedByOrigin) return;
        const answered = observation.exchanges.filter((e) => e.outcome === 'response');
        const last = answered.at(-1);
        if (!last) return;
        observation.closedByOrigin = {
          afterExchange: last.index,
          idleMs: Math.max(0, Math.round(at - lastResponseEnd)),
        };
      };
      try {
        let open = true;
        for (let i = 0; i < plan.requests && open && !signal.aborted; i++) {
          if (i > 0 && plan.gapMs > 0) await connection.waitForClose(plan.gapMs, signal);
          if (connection.closed) break;
          open = await send(i);
        }
        // A close right after a response (Connection: close, or the origin hanging up) still counts as
        // the origin's close: give the FIN a moment to arrive so it is not mistaken for an idle close.
        if (!open && !connection.closed) await connection.waitForClose(200, signal);
        noteClose();
        const first = observation.exchanges[0];
        const headers: Record<string, string> = {};
        if (first?.connection !== undefined) headers['connection'] = first.connection;
        if (first?.keepAlive !== undefined) headers['keep-alive'] = first.keepAlive;
        const idle = open && !connection.closed ? Math.max(0, plan.idleMs(headers)) : 0;
        observation.idlePlannedMs = idle;
        if (idle > 0) {
          const watchStart = performance.now();
          const until = plan.idleUntil;
          await connection.waitForClose(idle, until ? either(signal, until) : signal);
          observation.idleWatchedMs = Math.round(performance.now() - watchStart);
          noteClose();
          const cut = until?.aborted === true && !connection.closed && observation.idleWatchedMs < idle;
          if (cut) observation.idleCutShort = true;
          if (!connection.closed && plan.requestAfterIdle && !signal.aborted && !cut) {
            await send(observation.exchanges.length);
            noteClose();
          }
        }
      } finally {
        connection.destroy();
      }
      return observation;
    },
  };
}

type Opened =
  | { ok: true; ip: string; socket: import('node:net').Socket }
  | { ok: false; ip?: string; failure: NonNullable<KeepAliveObservation['setupFailure']> };

async function open(
  request: OriginProbeRequest,
  deps: KeepAliveProberDeps,
  signal: AbortSignal,
): Promise<Opened> {
  const target = await resolveGuarded(request.address, deps.policy, deps.resolve, signal);
  if (!target.ok && target.kind === 'guarded') {
    return {
      ok: false,
      ip: target.ip,
      failure: {
        outcome: 'guarded',
        error: { code: 'EGUARDED', message: `${target.ip} is in ${target.range}` },
      },
    };
  }
  if (!target.ok) return { ok: false, failure: { outcome: 'resolve_failed', error: target.error } };
  const tcp = await connectTcp(target.ip, request.port, signal);
  if (!tcp.ok) return { ok: false, ip: target.ip, failure: { outcome: tcp.outcome, error: tcp.error } };
  if (!request.tls) return { ok: true, ip: target.ip, socket: tcp.socket };
  const secured = await handshake(tcp.socket, request.host, signal);
  if (!secured.ok) {
    tcp.socket.destroy();
    return { ok: false, ip: target.ip, failure: { outcome: 'tls_failed', error: secured.error } };
  }
  return { ok: true, ip: target.ip, socket: secured.socket };
}

/**
 * A signal aborted when either one is. Plain listeners rather than AbortSignal.any(), whose result
 * Node 20 holds only weakly (see diagnosis/deadline.ts). The listeners go with the signals.
 */
function either(a: AbortSignal, b: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (a.aborted || b.aborted) stop();
  a.addEventListener('abort', stop, { once: true });
  b.addEventListener('abort', stop, { once: true });
  return controller.signal;
}
