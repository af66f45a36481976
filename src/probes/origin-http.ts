// Sends one `GET` over the already-connected (and, for HTTPS, already-handshaken) socket with undici,
// and names the failure by what the parser or socket reported. A passive tap on the socket reads the
// status line and measures the header block exactly, since undici does not expose either.
import type { Socket } from 'node:net';
import type { ErrorInfo, HttpObservation, OriginOutcome } from '../diagnosis/ports.js';
import { Client, errors, requestVia } from './undici-core.js';

export interface HttpRequestSpec {
  host: string;
  path: string;
  tls: boolean;
  maxBodyBytes: number;
}

export type HttpResult =
  | { ok: true; http: HttpObservation }
  | { ok: false; outcome: OriginOutcome; error: ErrorInfo; ttfbMs?: number };

/** How long to wait for the start of the body once the headers are in. */
const BODY_WINDOW_MS = 1000;
/** Far above Node's 16 KiB default: we want to measure oversized headers, not fail on them. */
const MAX_HEADER_BYTES = 256 * 1024;

export async function requestOverSocket(
  socket: Socket,
  spec: HttpRequestSpec,
  signal: AbortSignal,
): Promise<HttpResult> {
  const started = performance.now();
  const tap = tapSocket(socket, started);
  // undici may report a TLS alert that ends the connection as a plain "other side closed": keep the
  // socket's own first TLS error to name it properly.
  let tlsError: ErrorInfo | undefined;
  const onSocketError = (error: NodeJS.ErrnoException) => {
    const code = typeof error.code === 'string' ? error.code : '';
    if (!tlsError && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')))
      tlsError = { code, message: error.message };
  };
  socket.on('error', onSocketError);
  let handedOver = false;
  const client = new Client(`${spec.tls ? 'https' : 'http'}://${spec.host}`, {
    connect: (_options, callback) => {
      // Answer asynchronously: undici ignores a connector that calls back synchronously.
      // It asks again after a socket dies; there is only ever the one we judged.
      const again = handedOver;
      handedOver = true;
      queueMicrotask(() =>
        again ? callback(new errors.SocketError('other side closed'), null) : callback(null, socket),
      );
    },
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: 0, // the AbortSignal is the budget
    bodyTimeout: 0,
    pipelining: 1,
    keepAliveTimeout: 1,
  });
  try {
    const response = await requestVia(client, {
      method: 'GET',
      path: spec.path,
      headers: { host: spec.host, accept: 'text/html', 'user-agent': 'check502 (origin probe)' },
      signal,
    });
    const ttfbMs = tap.firstByteMs() ?? Math.round(performance.now() - started);
    const body = await readCapped(response.body, spec.maxBodyBytes, signal);
    const headers = flatten(response.headers);
    const http: HttpObservation = {
      status: response.statusCode,
      statusText: tap.statusText() ?? '',
      httpVersion: tap.httpVersion() ?? '1.1',
      headers,
      headerBytes: tap.headerBytes() ?? estimateHeaderBytes(headers),
      ttfbMs,
      bodySnippet: body.text,
      largestHeaderBytes: largestHeader(response.headers),
    };
    if (headers['server'] !== undefined) http.server = headers['server'].slice(0, 200);
    if (body.error) {
      const expected = Number(headers['content-length']);
      http.bodyError = {
        ...(tlsError ?? body.error),
        receivedBytes: body.received,
        ...(Number.isSafeInteger(expected) && expected >= 0 ? { expectedBytes: expected } : {}),
      };
    }
    return { ok: true, http };
  } catch (error) {
    const ttfbMs = tap.firstByteMs();
    const failed: HttpResult = tlsError
      ? { ok: false, outcome: 'tls_failed', error: tlsError }
      : { ok: false, ...classify(error, signal) };
    if (ttfbMs !== undefined) failed.ttfbMs = ttfbMs;
    return failed;
  } finally {
    tap.stop();
    socket.removeListener('error', onSocketError);
    socket.on('error', () => {});
    client.destroy().catch(() => {});
    socket.destroy();
  }
}

function classify(error: unknown, signal: AbortSignal): { outcome: OriginOutcome; error: ErrorInfo } {
  const err = error as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? err.message : String(error);
  if (
    signal.aborted ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_ABORTED' ||
    err?.name === 'AbortError'
  ) {
    return {
      outcome: 'response_timeout',
      error: { code: 'UND_ERR_HEADERS_TIMEOUT', message: 'no response within the budget' },
    };
  }
  // llhttp's errors: undici sometimes leaves `code` unset, but the class name and message still say it.
  if (err?.name === 'HTTPParserError' || /does not match the HTTP/i.test(message)) {
    return { outcome: 'invalid_response', error: { code: code || 'HPE_INVALID', message } };
  }
  if (
    code.startsWith('HPE_') ||
    code === 'UND_ERR_HEADERS_OVERFLOW' ||
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
  ) {
    return { outcome: 'invalid_response', error: { code, message } };
  }
  // A TLS alert after the handshake (e.g. the origin demands a client certificate: Authenticated Origin Pulls).
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return { outcome: 'tls_failed', error: { code, message } };
  }
  // undici wraps a reset as SocketError('other side closed' / the errno message): both mean the origin hung up.
  if (
    code === 'UND_ERR_SOCKET' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    /other side closed/i.test(message)
  ) {
    const cause = err?.cause as { code?: unknown } | undefined;
    const causeCode = typeof cause?.code === 'string' ? cause.code : undefined;
    return { outcome: 'reset', error: { code: causeCode ?? (code || 'ECONNRESET'), message } };
  }
  return { outcome: 'invalid_response', error: { code: code || 'ERR_HTTP', message } };
}

interface SocketTap {
  firstByteMs(): number | undefined;
  statusText(): string | undefined;
  httpVersion(): string | undefined;
  headerBytes(): number | undefined;
  stop(): void;
}

/**
 * Watches the bytes undici reads without consuming them (undici reads in paused mode, so a 'data'
 * listener only observes). Keeps at most the status line and a 3-byte window to find the blank line.
 */
function tapSocket(socket: Socket, started: number): SocketTap {
  let first: number | undefined;
  let head = '';
  let seen = 0;
  let window = '';
  let headerBytes: number | undefined;
  const onData = (chunk: Buffer) => {
    first ??= Math.round(performance.now() - started);
    if (head.length < 512 && !head.includes('\r\n')) head += chunk.subarray(0, 512).toString('latin1');
    if (headerBytes === undefined) {
      const text = window + chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end !== -1) headerBytes = seen - window.length + end + 4;
      else if (seen + chunk.length > MAX_HEADER_BYTES) headerBytes = seen + chunk.length;
      window = text.slice(-3);
      seen += chunk.length;
    }
  };
  socket.on('data', onData);
  const statusLine = () => {
    const line = head.split('\r\n')[0];
    return line ? /^HTTP\/(\d(?:\.\d)?) +\d{3} ?(.*)$/.exec(line) : null;
  };
  return {
    firstByteMs: () => first,
    statusText: () => statusLine()?.[2]?.slice(0, 200),
    httpVersion: () => statusLine()?.[1],
    headerBytes: () => headerBytes,
    stop: () => socket.removeListener('data', onData),
  };
}

interface BodyRead {
  text: string;
  /** Every byte seen, also past the snippet's cap. */
  received: number;
  /** The origin broke the body off (reset, or closed before its end); not our own cut-off. */
  error?: ErrorInfo;
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  max: number,
  signal: AbortSignal,
): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let received = 0;
  let cutByUs = false;
  // The verdict rests on status and headers; a body that trickles must not hold the probe to its
  // budget. Reading goes on past the snippet's cap (within the window) so a body that breaks off
  // after the first bytes is still seen.
  const timer = setTimeout(() => {
    cutByUs = true;
    body.destroy();
  }, BODY_WINDOW_MS);
  let error: ErrorInfo | undefined;
  try {
    for await (const chunk of body) {
      if (signal.aborted) {
        cutByUs = true;
        break;
      }
      received += chunk.length;
      if (kept < max) {
        chunks.push(chunk.subarray(0, max - kept));
        kept += Math.min(chunk.length, max - kept);
      }
      if (received >= MAX_BODY_READ) {
        cutByUs = true;
        break;
      }
    }
  } catch (thrown) {
    if (!cutByUs && !signal.aborted) error = bodyFailure(thrown);
  } finally {
    clearTimeout(timer);
    body.destroy();
  }
  const read: BodyRead = { text: Buffer.concat(chunks).toString('utf8'), received };
  if (error) read.error = error;
  return read;
}

/** Enough to see a body end or break off without downloading a large page. */
const MAX_BODY_READ = 1024 * 1024;

function bodyFailure(thrown: unknown): ErrorInfo {
  const err = thrown as { code?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
  const cause = typeof err?.cause?.code === 'string' ? err.cause.code : undefined;
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? err.message : String(thrown);
  return { code: cause ?? (code || 'ECONNRESET'), message: message.slice(0, 300) };
}

/** The longest `name: value` line, counting each value of a repeated header (Set-Cookie) on its own. */
function largestHeader(headers: Record<string, string | string[] | undefined>): number {
  let largest = 0;
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      largest = Math.max(largest, Buffer.byteLength(name) + 2 + Buffer.byteLength(one) + 2);
    }
  }
  return largest;
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || count++ >= 200) continue;
    out[name.toLowerCase()] = (Array.isArray(value) ? value.join(', ') : value).slice(0, 2048);
  }
  return out;
}

function estimateHeaderBytes(headers: Record<string, string>): number {
  return Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 17);
}
