// The small interfaces through which the core sees the world. Outer folders implement them
// (probes/, cloudflare/); tests may implement them with loopback-backed real adapters.
import type { CloudflareReader } from './cloudflare-reader.js';

export interface ErrorInfo {
  /** errno-style or library code: ECONNREFUSED, ETIMEDOUT, CERT_HAS_EXPIRED, HPE_INVALID_CONSTANT… */
  code: string;
  message: string;
}

// ---- public DNS ---------------------------------------------------------------------------------

export interface DnsAnswer {
  host: string;
  /** A and AAAA answers, in resolver order. */
  addresses: string[];
  /** CNAME chain, first hop first. */
  cnames: string[];
  /** Set when the lookup failed (NXDOMAIN is `ENOTFOUND`, no data is `ENODATA`). */
  error?: ErrorInfo;
  /** Which resolvers answered, `ip:port`. */
  resolvers: string[];
}

export interface PublicResolver {
  resolve(host: string, signal: AbortSignal): Promise<DnsAnswer>;
}

// ---- the private-address guard -----------------------------------------------------------------

export type AddressVerdict = { allowed: true } | { allowed: false; range: string; reason: string };

export interface AddressPolicy {
  /** Classifies a literal IPv4/IPv6 address (mapped forms included). */
  check(ip: string): AddressVerdict;
}

// ---- edge ----------------------------------------------------------------------------------------

export interface EdgeResponse {
  status: number;
  /** Response headers, lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Up to the probe's cap, decoded as UTF-8. */
  body: string;
  bodyTruncated: boolean;
  ttfbMs: number;
}

export interface EdgeObservation {
  url: string;
  /** The address the probe connected to, when it got that far. */
  address?: string;
  response?: EdgeResponse;
  /** Set when no HTTP response came back (refused, timeout, TLS, guard). */
  error?: ErrorInfo;
  /** True when the guard refused every address the name resolved to. */
  guarded?: { address: string; range: string };
  totalMs: number;
}

export interface EdgeProber {
  probe(url: string, signal: AbortSignal): Promise<EdgeObservation>;
}

// ---- origin --------------------------------------------------------------------------------------

export interface OriginProbeRequest {
  /** The site's name: sent as SNI and Host, as Cloudflare does (unless an Origin Rule overrides them). */
  host: string;
  /** IP literal or hostname to connect to. */
  address: string;
  port: number;
  tls: boolean;
  path: string;
  /** SNI to send instead of `host` (an Origin Rule's SNI or Host header override). */
  sni?: string;
  /** Host header to send instead of `host` (an Origin Rule's Host header override). */
  hostHeader?: string;
  /**
   * Offer `h2` in ALPN on a second connection and, when the origin picks it, make one HTTP/2
   * request, as Cloudflare does when the zone allows HTTP/2 to the origin.
   */
  http2?: boolean;
}

/** How far the conversation with the origin got, named after what the socket/TLS stack/parser reported. */
export type OriginOutcome =
  | 'response'
  | 'guarded'
  | 'resolve_failed'
  | 'refused'
  | 'connect_timeout'
  | 'unreachable'
  | 'reset'
  | 'tls_failed'
  | 'invalid_response'
  | 'response_timeout';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** DNS names from subjectAltName (CN when there is none). */
  names: string[];
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  selfSigned: boolean;
  /** Issued by Cloudflare's Origin CA (trusted by Cloudflare for Full (strict), not by browsers). */
  cloudflareOriginCa: boolean;
}

export interface TlsObservation {
  protocol?: string;
  alpn?: string;
  cipher?: string;
  certificate?: CertificateInfo;
  /** Chain validates against Node's store (plus NODE_EXTRA_CA_CERTS and Cloudflare's Origin CA roots). */
  trusted: boolean;
  /** OpenSSL verification code when not trusted: CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT… */
  trustError?: string;
  expired: boolean;
  hostnameMatches: boolean;
}

export interface HttpObservation {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: Record<string, string>;
  headerBytes: number;
  server?: string;
  ttfbMs: number;
  /** The start of the body (capped), for recognising web-server error pages. */
  bodySnippet: string;
  /** The longest single header line in bytes (Cloudflare's per-header limit is 16 KB). */
  largestHeaderBytes?: number;
  /**
   * The body broke off after the headers: reset, or closed before Content-Length / the last chunk.
   * Visitors get a truncated page (or Cloudflare a 520) although the status looked fine.
   */
  bodyError?: ErrorInfo & { receivedBytes: number; expectedBytes?: number };
}

/** What became of the HTTP/2 attempt: whether ALPN chose h2, and how the h2 request ended. */
export interface Http2Observation {
  /** The origin selected `h2` in ALPN. */
  offered: boolean;
  /** When offered: `response`, or how the HTTP/2 exchange failed. */
  outcome?: 'response' | 'reset' | 'protocol_error' | 'response_timeout' | 'tls_failed' | 'connect_failed';
  status?: number;
  error?: ErrorInfo;
  ttfbMs?: number;
}

export interface OriginObservation {
  request: OriginProbeRequest;
  resolvedAddress?: string;
  outcome: OriginOutcome;
  /**
   * The origin sent a TLS CertificateRequest during the handshake (it asks for a client
   * certificate: Authenticated Origin Pulls or another mTLS set-up). Seen whether or not the
   * handshake then succeeded.
   */
  clientCertRequested?: boolean;
  /** The HTTP/2 attempt, when one was asked for and TLS was used. */
  http2?: Http2Observation;
  error?: ErrorInfo;
  /** For `guarded`: the range that refused it. */
  guardedRange?: string;
  tls?: TlsObservation;
  http?: HttpObservation;
  timings: { connectMs?: number; tlsMs?: number; ttfbMs?: number; totalMs: number };
}

export interface OriginProber {
  probe(request: OriginProbeRequest, signal: AbortSignal): Promise<OriginObservation>;
}

// ---- origin, kept alive -----------------------------------------------------------------------
// The port through which the sampling checks hold one connection to the origin open, the way
// Cloudflare reuses its connections: several requests on it, then an idle wait to see whether (and
// when) the origin closes it. Implemented in src/probes/keepalive-prober.ts.

/** One request sent on the kept connection. */
export interface KeptExchange {
  /** 0 for the first request on the connection, 1+ for requests that reuse it. */
  index: number;
  /** When the request was sent, ms after the connection was ready. */
  atMs: number;
  outcome: OriginOutcome;
  error?: ErrorInfo;
  status?: number;
  ttfbMs?: number;
  /** The response's `Connection` and `Keep-Alive` headers, as sent. */
  connection?: string;
  keepAlive?: string;
  /** False when the response ended the connection's use: `Connection: close`, a body delimited by the close, or too long to read. */
  reusable?: boolean;
}

export interface KeepAlivePlan {
  /** Requests sent one after the other on the connection (the first opens it). */
  requests: number;
  /** Pause between them, ms. */
  gapMs: number;
  /**
   * How long to leave the connection idle after the last request, given the first response's
   * headers (the origin may announce its timeout in `Keep-Alive: timeout=N`); 0 for no idle watch.
   */
  idleMs(headers: Record<string, string>): number;
  /** After an idle watch the origin did not end, send one more request on the connection. */
  requestAfterIdle: boolean;
  /** Ends the idle watch early (the rest of the diagnosis is done); no request follows it then. */
  idleUntil?: AbortSignal;
}

export interface KeepAliveObservation {
  request: OriginProbeRequest;
  resolvedAddress?: string;
  /** Set when no request could be sent at all (guard, resolution, TCP, TLS). */
  setupFailure?: { outcome: OriginOutcome; error?: ErrorInfo };
  exchanges: KeptExchange[];
  /** The origin ended the connection (FIN or RST) while no request was in flight. */
  closedByOrigin?: {
    /** Index of the last exchange answered before it closed. */
    afterExchange: number;
    /** ms between the end of that response and the close. */
    idleMs: number;
  };
  /** How long the connection was watched idle (ms); equals the plan's window when it stayed open. */
  idleWatchedMs: number;
  /** The idle window that was planned, ms. */
  idlePlannedMs: number;
  /** The watch ended before its window because the rest of the diagnosis was done (`idleUntil`). */
  idleCutShort?: boolean;
}

export interface KeepAliveProber {
  probe(request: OriginProbeRequest, plan: KeepAlivePlan, signal: AbortSignal): Promise<KeepAliveObservation>;
}

// ---- all of it -----------------------------------------------------------------------------------

export interface Clock {
  now(): Date;
}

export interface Ports {
  resolver: PublicResolver;
  edge: EdgeProber;
  origin: OriginProber;
  /** One connection held open like Cloudflare's; absent: the keep-alive samples are skipped. */
  keepAlive?: KeepAliveProber;
  addresses: AddressPolicy;
  /** Absent when no API token is configured. */
  cloudflare?: CloudflareReader;
  clock: Clock;
}
