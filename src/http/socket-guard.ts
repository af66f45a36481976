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
  timer?: NodeJS.Timeout | undefined;
  /** When the armed timer fires; a deadline later than this is checked for when it does. */
  firesAt: number;
  /** The absolute deadline in force (a body deadline no longer applies once the request is complete). */
  deadline: number;
  reason: 'headers-deadline' | 'body-deadline';
  /** The request whose body is awaited (its deadline ends once `complete`). */
  request?: IncomingMessage | undefined;
  accepted: number;
  /** When the current request's clock started (connection, or the previous response + idle). */
  since: number;
}

export function guardSockets(server: Server, options: SocketGuardOptions): void {
  const perAddress = new Map<string, number>();
  const tracked = new WeakMap<Socket, Tracked>();

  // One timer per socket, moved only when a deadline comes EARLIER than it fires: a kept-alive
  // socket's requests each set a later deadline, which the timer checks for when it fires, so
  // a request costs no timer calls (two per request were ~10 % of a do-nothing route's CPU).
  const fire = (socket: Socket, state: Tracked) => {
    state.timer = undefined;
    if (state.reason === 'body-deadline' && state.request?.complete) return;
    const left = state.deadline - Date.now();
    if (left > 0) return schedule(socket, state, state.deadline);
    options.onCut?.({
      reason: state.reason,
      address: socket.remoteAddress ?? '',
      ageMs: Date.now() - state.accepted,
    });
    socket.destroy();
  };
  const schedule = (socket: Socket, state: Tracked, at: number) => {
    clearTimeout(state.timer);
    state.firesAt = at;
    state.timer = setTimeout(fire, Math.max(1, at - Date.now()), socket, state);
    state.timer.unref();
  };
  const setDeadline = (socket: Socket, state: Tracked, at: number, reason: Tracked['reason']) => {
    state.deadline = at;
    state.reason = reason;
    if (state.timer === undefined || state.firesAt > at) schedule(socket, state, at);
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
    const now = Date.now();
    const state: Tracked = { since: now, accepted: now, firesAt: 0, deadline: 0, reason: 'headers-deadline' };
    tracked.set(socket, state);
    socket.once('close', () => {
      clearTimeout(state.timer);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
    setDeadline(socket, state, now + options.headersTimeoutMs, 'headers-deadline');
  });

  // 'request' fires once the headers are in: from here only the body may still be arriving, and
  // once it has (`request.complete`) nothing is cut until the answer is out.
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const state = tracked.get(socket);
    if (!state) return;
    state.request = req;
    setDeadline(socket, state, state.since + options.requestTimeoutMs, 'body-deadline');
    res.once('finish', () => {
      // The next request on a kept-alive socket: idle time, then its own deadlines.
      if (socket.destroyed) return;
      if (state.request === req) state.request = undefined;
      state.since = Date.now() + options.keepAliveTimeoutMs;
      setDeadline(socket, state, state.since + options.headersTimeoutMs, 'headers-deadline');
    });
  });
}
