// The origins of the misbehaving-origin lab (origin-lab.ts): what each named origin's "HTTP",
// "HTTPS" and, for a few, alternate port does — closed, a blackhole, plain or TLS with a responder
// from origin-behaviours.ts, a certificate from certs.ts, client-certificate and HTTP/2 variants.

import type { LabCertificates } from './certs.js';
import type { ResponderName, StatefulResponderName } from './origin-behaviours.js';

export type CertName = Exclude<keyof LabCertificates, 'ca'>;

/** What one port of an origin does. */
export type PortBehaviour =
  | { kind: 'closed' }
  | { kind: 'blackhole' }
  | { kind: 'plain'; respond: AnyResponder }
  | {
      kind: 'tls';
      cert: CertName;
      respond: AnyResponder;
      /**
       * Sends a CertificateRequest. `required` fails the handshake without one (nginx
       * `ssl_verify_client on`); `optional` completes it and lets the responder answer (nginx
       * `optional`, which then answers 400 itself).
       */
      clientCert?: 'required' | 'optional';
      /** Highest TLS version offered (TLS 1.2 origins fail a required client certificate in the handshake). */
      maxVersion?: 'TLSv1.2' | 'TLSv1.3';
      /** Offers h2 in ALPN: `h2` speaks it (node:http2); `h2-broken` then answers in HTTP/1.1 bytes. */
      h2?: 'h2' | 'h2-broken';
    };

/** A fixed behaviour, or one with state (a seeded random sequence, a clock) made fresh per lab and port. */
export type AnyResponder = ResponderName | StatefulResponderName;

const plain = (respond: AnyResponder): PortBehaviour => ({ kind: 'plain', respond });
const tls = (respond: AnyResponder, cert: CertName = 'valid'): PortBehaviour => ({
  kind: 'tls',
  cert,
  respond,
});
const closed: PortBehaviour = { kind: 'closed' };

export const LAB_ORIGINS = {
  healthy: { http: plain('ok'), https: tls('ok') },
  refused: { http: closed, https: closed },
  blackhole: { http: { kind: 'blackhole' }, https: { kind: 'blackhole' } },
  reset: { http: plain('resetAfterRequest'), https: tls('resetAfterRequest') },
  resetOnAccept: { http: plain('reset'), https: plain('reset') },
  stall: { http: plain('stall'), https: tls('stall') },
  tlsStall: { http: plain('ok'), https: plain('stall') },
  garbage: { http: plain('garbage'), https: tls('garbage') },
  badGateway: { http: plain('badGateway'), https: tls('badGateway') },
  serverError: { http: plain('serverError'), https: tls('serverError') },
  plainOnTls: { http: plain('ok'), https: plain('ok') },
  noHttps: { http: plain('ok'), https: closed },
  noHttp: { http: closed, https: tls('ok') },
  tlsAlert: { http: plain('ok'), https: plain('tlsAlert') },
  expired: { http: plain('ok'), https: tls('ok', 'expired') },
  expiring: { http: plain('ok'), https: tls('ok', 'expiring') },
  selfSigned: { http: plain('ok'), https: tls('ok', 'selfSigned') },
  wrongName: { http: plain('ok'), https: tls('ok', 'wrongName') },
  hugeHeaders: { http: plain('hugeHeaders'), https: tls('hugeHeaders') },
  http10: { http: plain('http10'), https: tls('http10') },
  closeMidHeaders: { http: plain('closeMidHeaders'), https: tls('closeMidHeaders') },
  slowBody: { http: plain('slowBody'), https: tls('slowBody') },
  /** `Connection: close` on every response: keep-alive off. */
  noKeepAlive: { http: plain('okClose'), https: tls('okClose') },
  /** Closes idle kept-alive connections after 2 s without announcing it (gunicorn's default). */
  idleClose: { http: plain('okIdleClose2s'), https: tls('okIdleClose2s') },
  /** Closes idle connections after 3 s and says so in `Keep-Alive: timeout=3`. */
  idleCloseHinted: { http: plain('okIdleClose3sHint'), https: tls('okIdleClose3sHint') },
  /** Resets one connection in three after reading the request. */
  flakyReset: { http: plain('flakyReset'), https: tls('flakyReset') },
  /** Answers one connection in three with a 502 page. */
  flaky502: { http: plain('flaky502'), https: tls('flaky502') },
  /** Resets one connection in three at random (seeded: the same connections on every run), the edge's included. */
  flakyRandom: { http: plain('randomReset'), https: tls('randomReset') },
  /** Resets every connection accepted in the first 500 ms of each second: errors in bursts. */
  flakyBurst: { http: plain('burstReset'), https: tls('burstReset') },
  /** One connection in three (seeded) answers only after 6 s: slow now and then, a 524 at the edge. */
  flakySlow: { http: plain('randomSlow'), https: tls('randomSlow') },
  /** Fresh connections work; a second request on a kept-alive connection is reset. */
  resetOnReuse: { http: plain('resetOnReuse'), https: tls('resetOnReuse') },
  /** Authenticated Origin Pulls: the origin demands a client certificate the prober does not have. */
  clientCert: {
    http: plain('ok'),
    https: { kind: 'tls', cert: 'valid', respond: 'ok', clientCert: 'required' },
  },
  /** The same on a TLS 1.2-only server: the handshake itself fails (handshake_failure alert). */
  clientCertTls12: {
    http: plain('ok'),
    https: { kind: 'tls', cert: 'valid', respond: 'ok', clientCert: 'required', maxVersion: 'TLSv1.2' },
  },
  /** nginx `ssl_verify_client optional`: handshake completes, then 400 "No required SSL certificate". */
  clientCertOptional: {
    http: plain('ok'),
    https: { kind: 'tls', cert: 'valid', respond: 'noClientCert', clientCert: 'optional' },
  },
  /** Offers h2 in ALPN and serves HTTP/2 properly (and HTTP/1.1 to clients that only offer that). */
  http2: { http: plain('ok'), https: { kind: 'tls', cert: 'valid', respond: 'ok', h2: 'h2' } },
  /** Offers h2 in ALPN, then speaks HTTP/1.1 on the h2 connection: Cloudflare shows 520. */
  http2Broken: {
    http: plain('ok'),
    https: { kind: 'tls', cert: 'valid', respond: 'ok', h2: 'h2-broken' },
  },
  /** Nothing on 80; 443 completes TLS and then never answers (Full mode: 524; Flexible: 521). */
  stallNoHttp: { http: closed, https: tls('stall') },
  /** Listens only on the lab's alternate port (an Origin Rule's destination port override). */
  altPortOnly: { http: closed, https: closed, alt: tls('ok') },
} satisfies Record<string, { http: PortBehaviour; https: PortBehaviour; alt?: PortBehaviour }>;

export type LabOriginName = keyof typeof LAB_ORIGINS;
