// Runs the TLS handshake over an open TCP socket as Cloudflare would (SNI = the site or the Origin
// Rule's override, ALPN http/1.1 — or h2 too for the HTTP/2 attempt), accepting any certificate so
// it can be judged afterwards rather than refused blindly. It also says whether the origin sent a
// CertificateRequest: OpenSSL fills the client's shared signature algorithms only from that
// message, so a non-empty list means the origin asked for a client certificate (Authenticated
// Origin Pulls), whether the handshake then succeeded (TLS 1.3, optional verification) or failed
// (TLS 1.2 with required verification).
import { isIP, type Socket } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import type { ErrorInfo } from '../diagnosis/ports.js';

export type TlsResult =
  | { ok: true; socket: TLSSocket; tlsMs: number; clientCertRequested: boolean }
  | { ok: false; error: ErrorInfo; tlsMs: number; clientCertRequested: boolean };

/**
 * The suites Cloudflare offers origins, in its order (developers.cloudflare.com/ssl/
 * origin-configuration/cipher-suites/): TLS 1.3, then 1.2, then the few it keeps for TLS 1.0/1.1
 * origins. Offering the same set makes an origin that only speaks TLS 1.0, or only suites Cloudflare
 * lacks, fail (or pass) here as it does for Cloudflare. SECLEVEL=0 lets OpenSSL 3 speak TLS 1.0/1.1.
 */
export const CLOUDFLARE_ORIGIN_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-SHA',
  'AES128-GCM-SHA256',
  'AES128-SHA',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'AES256-SHA',
  'DES-CBC3-SHA',
].join(':');

export interface HandshakeOptions {
  /** ALPN protocols to offer, in preference order (default: http/1.1 only). */
  alpn?: string[];
}

export function handshake(
  tcp: Socket,
  host: string,
  signal: AbortSignal,
  options: HandshakeOptions = {},
): Promise<TlsResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const socket = connect({
      socket: tcp,
      // RFC 6066 forbids IP literals in SNI (Node warns); Cloudflare sends the site's name.
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ALPNProtocols: options.alpn ?? ['http/1.1'],
      // Cloudflare connects to origins over TLS 1.0 to 1.3: a TLS 1.0-only origin works for it.
      minVersion: 'TLSv1',
      ciphers: `${CLOUDFLARE_ORIGIN_CIPHERS}:@SECLEVEL=0`,
      rejectUnauthorized: false,
      // The name is judged on its own (judgeCertificate); left to Node, a chain its store trusts
      // (public CAs, NODE_EXTRA_CA_CERTS) would carry ERR_TLS_CERT_ALTNAME_INVALID as its
      // authorizationError and a wrong-name certificate would also be reported as untrusted.
      checkServerIdentity: () => undefined,
    });
    const requested = () => {
      try {
        return socket.getSharedSigalgs().length > 0;
      } catch {
        return false;
      }
    };
    const finish = (partial: DistributiveOmit<TlsResult, 'clientCertRequested'>) => {
      const result = { ...partial, clientCertRequested: requested() } as TlsResult;
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('secureConnect', onSecure);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      if (!result.ok) {
        // Keep a late error from an already-destroyed socket from becoming an uncaught exception.
        socket.on('error', () => {});
        socket.destroy();
        tcp.destroy();
      } else socket.on('error', () => {});
      resolve(result);
    };
    const onSecure = () => finish({ ok: true, socket, tlsMs: elapsed() });
    const onError = (error: NodeJS.ErrnoException) =>
      finish({ ok: false, error: { code: tlsCode(error), message: error.message }, tlsMs: elapsed() });
    const onClose = () =>
      finish({
        ok: false,
        error: { code: 'ECONNRESET', message: 'the origin closed the connection during the TLS handshake' },
        tlsMs: elapsed(),
      });
    const onAbort = () =>
      finish({
        ok: false,
        error: {
          code: 'TLS_HANDSHAKE_TIMEOUT',
          message: 'the TLS handshake did not complete within the budget',
        },
        tlsMs: elapsed(),
      });
    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** OpenSSL reasons are in `code` (ERR_SSL_WRONG_VERSION_NUMBER, ERR_SSL_TLSV1_ALERT_…); errno for resets. */
function tlsCode(error: NodeJS.ErrnoException): string {
  if (typeof error.code === 'string' && error.code !== '') return error.code;
  return 'ERR_TLS_HANDSHAKE';
}
