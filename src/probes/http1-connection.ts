// One persistent HTTP/1.1 connection, spoken by hand so that nothing between us and the origin
// decides when to close it: undici and node:http both close idle sockets on their own timers (and
// obey the server's Keep-Alive hint), which would hide exactly what the keep-alive probe measures —
// when the ORIGIN closes. Responses are framed by Content-Length or chunked encoding; a response
// delimited by the close itself means the origin does not keep connections alive.
import type { Socket } from 'node:net';
import type { ErrorInfo, OriginOutcome } from '../diagnosis/ports.js';

export interface ExchangeSpec {
  host: string;
  path: string;
  /** Body bytes read at most; a longer body ends the connection (it cannot be reused unread). */
  maxBodyBytes: number;
}

export type ExchangeResult =
  | { ok: true; status: number; headers: Record<string, string>; ttfbMs: number; reusable: boolean }
  | { ok: false; outcome: OriginOutcome; error: ErrorInfo; ttfbMs?: number };

const MAX_HEAD_BYTES = 64 * 1024;

export class Http1Connection {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private endError: ErrorInfo | undefined;
  private endedAt: number | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.poke();
    });
    const end = (error?: NodeJS.ErrnoException) => {
      if (this.ended) return;
      this.ended = true;
      this.endedAt = performance.now();
      if (error) this.endError = { code: error.code ?? 'ECONNRESET', message: error.message };
      this.poke();
    };
    socket.on('end', () => end());
    socket.on('close', () => end());
    socket.on('error', (error: NodeJS.ErrnoException) => end(error));
  }

  /** True once the origin ended the connection (or it failed). */
  get closed(): boolean {
    return this.ended;
  }

  /** `performance.now()` of the close, when it happened. */
  get closedAt(): number | undefined {
    return this.endedAt;
  }

  /** Resolves when the origin ends the connection or `ms` pass (or the signal aborts). */
  waitForClose(ms: number, signal: AbortSignal): Promise<void> {
    if (this.ended || ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = () => {
        if (this.ended) done();
      };
    });
  }

  async exchange(spec: ExchangeSpec, signal: AbortSignal): Promise<ExchangeResult> {
    if (this.ended) return { ok: false, ...this.closedError() };
    // Bytes the origin sent while idle (not a response to anything) are a protocol error.
    if (this.buffer.length > 0) {
      return {
        ok: false,
        outcome: 'invalid_response',
        error: { code: 'HPE_UNSOLICITED', message: 'the origin sent data before any request' },
      };
    }
    const started = performance.now();
    this.socket.write(
      `GET ${spec.path} HTTP/1.1\r\nHost: ${spec.host}\r\nAccept: text/html\r\nUser-Agent: check502 (keep-alive probe)\r\nConnection: keep-alive\r\n\r\n`,
    );
    let ttfbMs: number | undefined;
    const firstByte = () => {
      if (ttfbMs === undefined && this.buffer.length > 0) ttfbMs = Math.round(performance.now() - started);
    };
    try {
      const headEnd = await this.until(() => {
        firstByte();
        const at = this.buffer.indexOf('\r\n\r\n');
        if (at === -1 && this.buffer.length > MAX_HEAD_BYTES)
          throw parseError('HPE_HEADER_OVERFLOW', 'header block too large');
        return at === -1 ? undefined : at;
      }, signal);
      const head = this.buffer.subarray(0, headEnd).toString('latin1');
      this.buffer = this.buffer.subarray(headEnd + 4);
      const { status, headers } = parseHead(head);
      const reusable = await this.readBody(status, headers, spec.maxBodyBytes, signal);
      return {
        ok: true,
        status,
        headers,
        ttfbMs: ttfbMs ?? Math.round(performance.now() - started),
        reusable,
      };
    } catch (error) {
      const failed = failure(error, signal, () => this.closedError());
      return ttfbMs === undefined ? { ok: false, ...failed } : { ok: false, ...failed, ttfbMs };
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Reads the body; false when the connection cannot carry another request afterwards. */
  private async readBody(
    status: number,
    headers: Record<string, string>,
    max: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    const closes = /(^|,)\s*close\s*(,|$)/i.test(headers['connection'] ?? '');
    if (status === 204 || status === 304 || (status >= 100 && status < 200)) return !closes;
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      let total = 0;
      for (;;) {
        const lineEnd = await this.until(() => nonNegative(this.buffer.indexOf('\r\n')), signal);
        const size = Number.parseInt(this.buffer.subarray(0, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size) || size < 0) throw parseError('HPE_INVALID_CHUNK_SIZE', 'bad chunk size');
        this.buffer = this.buffer.subarray(lineEnd + 2);
        total += size;
        if (total > max) return false;
        if (size === 0) {
          // Trailers (if any) end with a blank line.
          const end = await this.until(() => nonNegative(this.buffer.indexOf('\r\n')), signal);
          this.buffer = this.buffer.subarray(end === 0 ? 2 : this.buffer.indexOf('\r\n\r\n') + 4);
          return !closes;
        }
        await this.until(() => (this.buffer.length >= size + 2 ? size : undefined), signal);
        this.buffer = this.buffer.subarray(size + 2);
      }
    }
    const lengthHeader = headers['content-length'];
    if (lengthHeader === undefined) return false; // delimited by the close: no reuse possible
    const length = Number(lengthHeader);
    if (!Number.isSafeInteger(length) || length < 0)
      throw parseError('HPE_INVALID_CONTENT_LENGTH', `content-length ${lengthHeader}`);
    if (length > max) return false;
    await this.until(() => (this.buffer.length >= length ? length : undefined), signal);
    this.buffer = this.buffer.subarray(length);
    return !closes;
  }

  /** Waits until `ready()` returns a value; fails when the connection ends first or the signal aborts. */
  private until<T>(ready: () => T | undefined, signal: AbortSignal): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        try {
          const value = ready();
          if (value !== undefined) return finish(() => resolve(value));
        } catch (error) {
          return finish(() => reject(error));
        }
        if (this.ended) return finish(() => reject(new ClosedError()));
        if (signal.aborted) return finish(() => reject(signal.reason));
      };
      const finish = (then: () => void) => {
        this.wake = undefined;
        signal.removeEventListener('abort', check);
        then();
      };
      this.wake = check;
      signal.addEventListener('abort', check, { once: true });
      check();
    });
  }

  private poke(): void {
    this.wake?.();
  }

  private closedError(): { outcome: OriginOutcome; error: ErrorInfo } {
    return {
      outcome: 'reset',
      error: this.endError ?? { code: 'UND_ERR_SOCKET', message: 'other side closed' },
    };
  }
}

class ClosedError extends Error {}

function parseError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function nonNegative(n: number): number | undefined {
  return n >= 0 ? n : undefined;
}

function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!match)
    throw parseError('HPE_INVALID_CONSTANT', `not an HTTP/1.x status line: ${statusLine.slice(0, 60)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw parseError('HPE_INVALID_HEADER_TOKEN', 'malformed header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), headers };
}

function failure(
  error: unknown,
  signal: AbortSignal,
  closed: () => { outcome: OriginOutcome; error: ErrorInfo },
): { outcome: OriginOutcome; error: ErrorInfo } {
  if (error instanceof ClosedError) return closed();
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('HPE_')) {
    return { outcome: 'invalid_response', error: { code, message: (error as Error).message } };
  }
  if (signal.aborted) {
    return {
      outcome: 'response_timeout',
      error: { code: 'UND_ERR_HEADERS_TIMEOUT', message: 'no response within the budget' },
    };
  }
  return { outcome: 'invalid_response', error: { code: 'ERR_HTTP', message: String(error) } };
}
