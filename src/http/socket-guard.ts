// Deadlines and a per-address cap for every socket of the HTTP server. Node's own headersTimeout
// and requestTimeout are checked on a timer and, as the red team saw, a client trickling one
// header line a second was cut off in one run of five; and nothing limits how many sockets one
// address holds. Here each socket carries its own absolute deadline: headers must be complete
// `headersTimeoutMs` after the connection (or after the previous response, plus the keep-alive
// idle time), and the body `requestTimeoutMs` after that same start. Activity does not extend it.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SocketGuardOptions {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnectionsPerAddress: number;
  /** Told of each socket refused or cut, with how long it had been open (metrics, logs, drills). */
  onCut?: (cut: SocketCut) => void;
}

export interface SocketCut {
  reason: 'over-cap' | 'headers-deadline' | 'body-deadline';
  address: string;
  /** Since the server accepted the socket. */
  ageMs: number;
}

interface Tracked {
  timer?: NodeJS.Timeout;
  accepted: number;
  /** When the current request's clock started (connection, or the previous response + idle). */
  since: number;
}

export function guardSockets(server: Server, options: SocketGuardOptions): void {
  const perAddress = new Map<string, number>();
  const tracked = new WeakMap<Socket, Tracked>();

  const arm = (socket: Socket, ms: number, reason: 'headers-deadline' | 'body-deadline') => {
    const state = tracked.get(socket);
    if (!state) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      options.onCut?.({ reason, address: socket.remoteAddress ?? '', ageMs: Date.now() - state.accepted });
      socket.destroy();
    }, ms);
    state.timer.unref();
  };

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (perAddress.get(address) ?? 0) + 1;
    if (count > options.maxConnectionsPerAddress) {
      options.onCut?.({ reason: 'over-cap', address, ageMs: 0 });
      socket.destroy();
      return;
    }
    perAddress.set(address, count);
    tracked.set(socket, { since: Date.now(), accepted: Date.now() });
    socket.once('close', () => {
      clearTimeout(tracked.get(socket)?.timer);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
    arm(socket, options.headersTimeoutMs, 'headers-deadline');
  });

  // 'request' fires once the headers are in: from here only the body may still be arriving.
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const since = tracked.get(socket)?.since ?? Date.now();
    arm(socket, Math.max(1, since + options.requestTimeoutMs - Date.now()), 'body-deadline');
    const bodyDone = () => {
      const state = tracked.get(socket);
      if (state) clearTimeout(state.timer);
    };
    req.once('end', bodyDone);
    res.once('finish', () => {
      // The next request on a kept-alive socket: idle time, then its own deadlines.
      const state = tracked.get(socket);
      if (!state || socket.destroyed) return;
      state.since = Date.now() + options.keepAliveTimeoutMs;
      arm(socket, options.keepAliveTimeoutMs + options.headersTimeoutMs, 'headers-deadline');
    });
  });
}
