// Names what went wrong on the way to the edge with one stable code: the socket's errno, the TLS
// stack's verification code or the HTTP parser's code; undici wrappers are unwrapped to their cause.
import type { ErrorInfo } from '../diagnosis/ports.js';

const RENAMED: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
};

export function errorInfoOf(error: unknown, signal: AbortSignal): ErrorInfo {
  if (signal.aborted) {
    return { code: 'ETIMEDOUT', message: 'no complete answer from the edge within the budget' };
  }
  const seen = new Set<unknown>();
  let current: unknown = error;
  let code: string | undefined;
  let message = error instanceof Error ? error.message : String(error);
  // Prefer the innermost specific code (ECONNRESET under UND_ERR_SOCKET, a TLS code under a wrapper).
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const own = (current as { code?: unknown }).code;
    if (typeof own === 'string' && (code === undefined || code.startsWith('UND_ERR_'))) {
      code = own;
      message = current.message;
    }
    current = (current as { cause?: unknown }).cause;
  }
  const final = code === undefined ? 'EEDGE' : (RENAMED[code] ?? code);
  return { code: final, message: message.slice(0, 300) };
}
