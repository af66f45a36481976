// Probes an origin directly, the way Cloudflare connects to it: guard → TCP → TLS (SNI = site) →
// one HTTP GET with Host = site. Each stage names its failure by what the socket, the TLS stack or
// the HTTP parser reported; the AbortSignal bounds the whole conversation, and sockets always die.
import type {
  AddressPolicy,
  OriginObservation,
  OriginProbeRequest,
  OriginProber,
} from '../diagnosis/ports.js';
import { type ResolveHost, resolveGuarded } from './guarded-connect.js';
import { requestOverSocket } from './origin-http.js';
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

export function createOriginProber(deps: OriginProberDeps): OriginProber {
  let anchors: TrustAnchors | undefined;
  const now = deps.now ?? (() => new Date());
  const maxBodyBytes = Math.max(0, Math.min(deps.maxBodyBytes ?? DEFAULT_BODY_BYTES, 64 * 1024));

  return {
    async probe(request: OriginProbeRequest, signal: AbortSignal): Promise<OriginObservation> {
      const started = performance.now();
      const timings: OriginObservation['timings'] = { totalMs: 0 };
      const done = (observation: Omit<OriginObservation, 'request' | 'timings'>): OriginObservation => {
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
      const ip = target.ip;

      const tcp = await connectTcp(ip, request.port, signal);
      timings.connectMs = tcp.connectMs;
      if (!tcp.ok) return done({ outcome: tcp.outcome, resolvedAddress: ip, error: tcp.error });

      let socket = tcp.socket;
      let tls: OriginObservation['tls'];
      if (request.tls) {
        const secured = await handshake(tcp.socket, request.host, signal);
        timings.tlsMs = secured.tlsMs;
        if (!secured.ok) return done({ outcome: 'tls_failed', resolvedAddress: ip, error: secured.error });
        anchors ??= loadTrustAnchors(deps.extraCa ?? [], deps.originCaRoots);
        try {
          tls = judgeCertificate(secured.socket, request.host, anchors, now());
        } catch (error) {
          secured.socket.destroy();
          const message = error instanceof Error ? error.message : String(error);
          return done({
            outcome: 'tls_failed',
            resolvedAddress: ip,
            error: { code: 'ERR_TLS_CERT_PARSE', message },
          });
        }
        socket = secured.socket;
      }

      const answer = await requestOverSocket(
        socket,
        { host: request.host, path: request.path || '/', tls: request.tls, maxBodyBytes },
        signal,
      );
      const withTls = tls ? { tls } : {};
      if (!answer.ok) {
        if (answer.ttfbMs !== undefined) timings.ttfbMs = answer.ttfbMs;
        return done({ outcome: answer.outcome, resolvedAddress: ip, error: answer.error, ...withTls });
      }
      timings.ttfbMs = answer.http.ttfbMs;
      return done({ outcome: 'response', resolvedAddress: ip, http: answer.http, ...withTls });
    },
  };
}
