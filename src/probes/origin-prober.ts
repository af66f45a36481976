// Probes an origin directly, the way Cloudflare connects to it: guard → TCP → TLS (SNI = site, or
// the Origin Rule's override) → one HTTP GET with Host = site (or the override). Each stage names
// its failure by what the socket, the TLS stack or the HTTP parser reported; the AbortSignal bounds
// the whole conversation, and sockets always die. When asked, an HTTP/2 attempt runs beside it on
// its own connection to the same guarded IP (origin-http2.ts).
import type {
  AddressPolicy,
  OriginObservation,
  OriginProbeRequest,
  OriginProber,
} from '../diagnosis/ports.js';
import { type ResolveHost, resolveGuarded } from './guarded-connect.js';
import { requestOverSocket } from './origin-http.js';
import { probeHttp2 } from './origin-http2.js';
import { connectTcp } from './tcp-connect.js';
import { judgeCertificate, loadTrustAnchors, type TrustAnchors } from './tls-certificate.js';
import { handshake } from './tls-handshake.js';

export interface OriginProberDeps {
  policy: AddressPolicy;
  resolve: ResolveHost;
  /** PEM CAs trusted on top of Node's store and Cloudflare's Origin CA (labs, private CAs). */
  extraCa?: string[];
  now?: () => Date;
  /** Cloudflare's Origin CA roots (default: the embedded ones); tests swap in a lab CA. */
  originCaRoots?: readonly string[];
  /** Cap on the body snippet kept for recognising error pages (default 4 KiB). */
  maxBodyBytes?: number;
}

const DEFAULT_BODY_BYTES = 4096;

type Stages = Omit<OriginObservation, 'request' | 'timings'>;

export function createOriginProber(deps: OriginProberDeps): OriginProber {
  let anchors: TrustAnchors | undefined;
  const now = deps.now ?? (() => new Date());
  const maxBodyBytes = Math.max(0, Math.min(deps.maxBodyBytes ?? DEFAULT_BODY_BYTES, 64 * 1024));

  /** TCP → TLS → one HTTP/1.1 GET to an IP the guard already allowed. */
  async function conversation(
    ip: string,
    request: OriginProbeRequest,
    timings: OriginObservation['timings'],
    signal: AbortSignal,
  ): Promise<Stages> {
    const servername = request.sni ?? request.hostHeader ?? request.host;
    const hostHeader = request.hostHeader ?? request.host;
    const tcp = await connectTcp(ip, request.port, signal);
    timings.connectMs = tcp.connectMs;
    if (!tcp.ok) return { outcome: tcp.outcome, resolvedAddress: ip, error: tcp.error };

    let socket = tcp.socket;
    let tls: OriginObservation['tls'];
    let asked: { clientCertRequested?: true } = {};
    if (request.tls) {
      const secured = await handshake(tcp.socket, servername, signal);
      timings.tlsMs = secured.tlsMs;
      if (secured.clientCertRequested) asked = { clientCertRequested: true };
      if (!secured.ok) return { outcome: 'tls_failed', resolvedAddress: ip, error: secured.error, ...asked };
      anchors ??= loadTrustAnchors(deps.extraCa ?? [], deps.originCaRoots);
      try {
        // The certificate is judged against the name Cloudflare validates: the SNI it sends.
        tls = judgeCertificate(secured.socket, servername, anchors, now());
      } catch (error) {
        secured.socket.destroy();
        const message = error instanceof Error ? error.message : String(error);
        return {
          outcome: 'tls_failed',
          resolvedAddress: ip,
          error: { code: 'ERR_TLS_CERT_PARSE', message },
          ...asked,
        };
      }
      socket = secured.socket;
    }

    const answer = await requestOverSocket(
      socket,
      { host: hostHeader, path: request.path || '/', tls: request.tls, maxBodyBytes },
      signal,
    );
    const withTls = tls ? { tls } : {};
    if (!answer.ok) {
      if (answer.ttfbMs !== undefined) timings.ttfbMs = answer.ttfbMs;
      return { outcome: answer.outcome, resolvedAddress: ip, error: answer.error, ...withTls, ...asked };
    }
    timings.ttfbMs = answer.http.ttfbMs;
    return { outcome: 'response', resolvedAddress: ip, http: answer.http, ...withTls, ...asked };
  }

  return {
    async probe(request: OriginProbeRequest, signal: AbortSignal): Promise<OriginObservation> {
      const started = performance.now();
      const timings: OriginObservation['timings'] = { totalMs: 0 };
      const done = (observation: Stages): OriginObservation => {
        timings.totalMs = Math.round(performance.now() - started);
        return { request, ...observation, timings };
      };

      if (!Number.isInteger(request.port) || request.port < 1 || request.port > 65535) {
        return done({
          outcome: 'unreachable',
          error: { code: 'EINVALIDPORT', message: `port ${request.port} is not a TCP port` },
        });
      }
      const target = await resolveGuarded(request.address, deps.policy, deps.resolve, signal);
      if (!target.ok && target.kind === 'guarded') {
        return done({
          outcome: 'guarded',
          resolvedAddress: target.ip,
          guardedRange: target.range,
          error: { code: 'EGUARDED', message: `${target.ip} is in ${target.range} (${target.reason})` },
        });
      }
      if (!target.ok) return done({ outcome: 'resolve_failed', error: target.error });

      // The HTTP/2 attempt overlaps the HTTP/1.1 one; both connect to the literal judged above.
      const http2 =
        request.tls && request.http2
          ? probeHttp2(
              {
                ip: target.ip,
                port: request.port,
                servername: request.sni ?? request.hostHeader ?? request.host,
                authority: request.hostHeader ?? request.host,
                path: request.path || '/',
              },
              signal,
            )
          : undefined;
      const stages = await conversation(target.ip, request, timings, signal);
      if (http2) stages.http2 = await http2;
      return done(stages);
    },
  };
}
