// Turns one origin observation into findings: what failed, in Cloudflare's terms (which 52x the
// visitor sees), with the evidence a reader can verify (address, port, error code, certificate).
import type { FindingCode } from '../../codes.js';
import type { EvidenceOf } from '../../evidence.js';
import type { SslMode } from '../../facts.js';
import { type Finding, finding, type Severity } from '../../finding.js';
import type { OriginObservation } from '../../ports.js';
import { certificateFindings } from './cert.js';
import { type AopState, clientCertFinding, demandsClientCert } from './client-cert.js';
import type { AnswerEvidence, EndpointEvidence } from './evidence.js';
import { http2Broken, http2BrokenFinding } from './http2.js';
import { brokenBody, headerSize } from './response-shape.js';

export function baseEvidence(o: OriginObservation): EndpointEvidence {
  const evidence: EndpointEvidence = {
    address: o.request.address,
    resolvedAddress: o.resolvedAddress ?? null,
    port: o.request.port,
    scheme: o.request.tls ? 'https' : 'http',
    endpoint: `${o.resolvedAddress ?? o.request.address}:${o.request.port}`,
    host: o.request.host,
  };
  if (o.error) {
    evidence.errorCode = o.error.code;
    evidence.errorMessage = o.error.message.slice(0, 300);
  }
  if (o.timings.connectMs !== undefined) evidence.connectMs = o.timings.connectMs;
  return evidence;
}

/** What the probe alone cannot know about the connection Cloudflare makes. */
export interface ObservationContext {
  /** Whether Cloudflare presents a client certificate (read only when an origin demands one). */
  aop?: AopState;
  /** Cloudflare's 524 window for this request in seconds (a Cache Rule's, else the zone's), when read. */
  proxyReadTimeoutS?: number;
  /** Where that window comes from, in words ("Cache Rule \"slow reports\""). */
  proxyReadTimeoutFrom?: string;
  /** Where the candidate came from (the DNS record, an Origin Rule…), for findings that name it. */
  via?: string;
}

/** Cloudflare's default wait for the first byte before 524 (connection-limits page). */
export const DEFAULT_PROXY_READ_TIMEOUT_S = 100;

export function observationFindings(
  o: OriginObservation,
  mode: SslMode | undefined,
  budgetMs: number,
  now: Date,
  context: ObservationContext = {},
): Finding[] {
  const e = baseEvidence(o);
  if (context.via) e.via = context.via;
  const at = `${e.endpoint} (${e.scheme})`;
  const err = o.error ? ` (${o.error.code})` : '';
  if (demandsClientCert(o)) return [clientCertFinding(o, context.aop, e)];
  switch (o.outcome) {
    case 'guarded':
      return [
        finding({
          code: 'dns.origin_private_address',
          severity: 'error',
          title: `The origin ${o.request.address} is a private or reserved address`,
          detail: `${o.request.address}${o.resolvedAddress && o.resolvedAddress !== o.request.address ? ` resolves to ${o.resolvedAddress}, which is` : ' is'} inside ${o.guardedRange ?? 'a guarded range'}. Cloudflare's edge cannot connect to private, loopback, link-local or reserved addresses, and the bot does not probe them.`,
          evidence: { ...e, range: o.guardedRange ?? null, content: o.request.address },
        }),
      ];
    case 'resolve_failed':
      return [
        problem(
          'origin.resolution_failed',
          `The origin name ${o.request.address} does not resolve`,
          `Looking up ${o.request.address} failed${err}${context.via ? `; the host points at it through ${context.via}` : ''}: Cloudflare cannot resolve where to connect and answers 530 with error 1016 (origin DNS error).`,
          { ...e, record: context.via ?? null },
        ),
      ];
    case 'refused':
      return [
        problem(
          'origin.connection_refused',
          `The origin refuses connections on port ${o.request.port}`,
          `${at} answered the TCP connection with a reset${err}: nothing listens there, or a firewall rejects it. Cloudflare shows 521 when its own connection is refused.`,
          e,
        ),
      ];
    case 'connect_timeout':
      return [
        problem(
          'origin.connect_timeout',
          `No TCP connection to the origin on port ${o.request.port}`,
          `${at} did not complete the TCP handshake within ${Math.round(budgetMs / 1000)} s${err}: packets are dropped (a firewall), or the host is down or behind the wrong address. Cloudflare shows 522 when this happens to it.`,
          e,
        ),
      ];
    case 'unreachable':
      return [
        problem(
          'origin.unreachable',
          `The origin ${e.endpoint} is unreachable`,
          `Connecting to ${at} failed with ${o.error?.code ?? 'no route'}: there is no route to the address. Cloudflare shows 523 (origin unreachable).`,
          e,
        ),
      ];
    case 'reset':
      return [
        problem(
          'origin.connection_reset',
          'The origin closed the connection without answering',
          `${at} accepted the connection, then reset or closed it before sending a complete response${err}. Cloudflare shows 502 or 520 when the origin hangs up like this.`,
          e,
        ),
      ];
    case 'tls_failed':
      return [
        problem(
          'origin.tls_handshake_failed',
          `TLS handshake with the origin failed on port ${o.request.port}`,
          `${at} accepted TCP but the TLS handshake failed${err}${tlsReason(o.error?.code)}. Cloudflare shows 525 (SSL handshake failed) in Full and Full (strict)${demandsClientCert(o) ? ' only if it does not present its certificate' : ''}.`,
          e,
          // Authenticated Origin Pulls is a healthy set-up the bot simply cannot pass: not an alarm.
          demandsClientCert(o) ? 'info' : 'error',
        ),
      ];
    case 'invalid_response':
      if (o.error?.code === 'UND_ERR_HEADERS_OVERFLOW') {
        return [
          problem(
            'origin.headers_too_large',
            'The origin sends enormous response headers',
            `${at} sent more than 256 KB of response headers; Cloudflare gives up above about 16 KB and shows 520.`,
            { ...e, headerBytes: '>262144' },
          ),
        ];
      }
      return [
        problem(
          'origin.invalid_response',
          'The origin answers something that is not HTTP',
          `What ${at} sent could not be parsed as an HTTP response${err}. Cloudflare shows 502 or 520 for a response it cannot read.`,
          e,
        ),
      ];
    case 'response_timeout': {
      // The bot waited its own budget, not Cloudflare's: an origin slower than the bot but faster
      // than proxy_read_timeout still serves visitors (slowly). The edge's 524 is what makes it an error.
      const waitS = context.proxyReadTimeoutS ?? DEFAULT_PROXY_READ_TIMEOUT_S;
      const waitedS = Math.round(budgetMs / 1000);
      const beyond = waitedS >= waitS;
      return [
        problem(
          'origin.response_timeout',
          beyond
            ? 'The origin accepts the connection but does not answer'
            : `The origin did not answer within the bot's ${waitedS} s`,
          `${at} accepted the request and sent no response headers within ${waitedS} s. Cloudflare waits ${waitS} s (${waitSource(context)}) before showing 524${beyond ? '' : ': an origin this slow may still answer Cloudflare in time, or it may be stuck — the edge decides'}.`,
          { ...e, waitedMs: budgetMs, proxyReadTimeoutS: waitS, proxyReadTimeoutFrom: waitSource(context) },
          beyond ? 'error' : 'warn',
        ),
      ];
    }
    case 'response':
      return [...lateAnswer(o, e, context), ...responseFindings(o, mode, e, now)];
  }
}

function waitSource(context: ObservationContext): string {
  if (context.proxyReadTimeoutFrom) return context.proxyReadTimeoutFrom;
  return context.proxyReadTimeoutS === undefined
    ? "the zone's proxy read timeout, 100 s unless changed"
    : "the zone's proxy read timeout";
}

/**
 * An answer that came within the bot's budget but after Cloudflare's wait for this request (a Cache
 * Rule can lower it to a few seconds): visitors get 524 although the bot saw a response.
 */
function lateAnswer(o: OriginObservation, e: EndpointEvidence, context: ObservationContext): Finding[] {
  const waitS = context.proxyReadTimeoutS;
  const ttfb = o.http?.ttfbMs;
  if (waitS === undefined || ttfb === undefined || ttfb < waitS * 1000) return [];
  return [
    problem(
      'origin.response_timeout',
      `The origin answers after ${(ttfb / 1000).toFixed(1)} s; Cloudflare waits ${waitS} s`,
      `${e.endpoint} (${e.scheme}) sent its response headers after ${ttfb} ms, later than the ${waitS} s Cloudflare waits for this request (${waitSource(context)}): Cloudflare gives up first and shows 524.`,
      { ...e, ttfbMs: ttfb, proxyReadTimeoutS: waitS, proxyReadTimeoutFrom: waitSource(context) },
    ),
  ];
}

function responseFindings(
  o: OriginObservation,
  mode: SslMode | undefined,
  e: EndpointEvidence,
  now: Date,
): Finding[] {
  const http = o.http;
  if (!http) return [];
  const evidence: AnswerEvidence = {
    ...e,
    status: http.status,
    httpVersion: http.httpVersion,
    server: http.server ?? null,
    ttfbMs: http.ttfbMs,
    headerBytes: http.headerBytes,
  };
  const out: Finding[] = o.tls ? certificateFindings(o, mode, evidence, now) : [];
  const at = `${e.endpoint} (${e.scheme})`;

  if (http.status >= 500) {
    const gateway = gatewayPage(http.status, http.server, http.bodySnippet);
    out.push(
      problem(
        'origin.http_5xx',
        `The origin itself answers ${http.status}${http.statusText ? ` ${http.statusText}` : ''}`,
        `${at} answered HTTP ${http.status}${http.server ? ` (server: ${http.server})` : ''} directly, so the error comes from the origin, not from Cloudflare.${gateway ? ` The body is ${gateway}'s own ${http.status} page: the web server is up, but the application behind it (its upstream) is down or not answering.` : ' The application on the origin is failing: its logs say why.'}`,
        { ...evidence, gatewayPage: gateway ?? null },
      ),
    );
  }
  if (http2Broken(o)) out.push(http2BrokenFinding(o, evidence));
  if (o.http2?.offered && o.http2.outcome === 'response') evidence.http2 = 'works';
  out.push(...headerSize(http, at, evidence));
  if (http.bodyError) out.push(brokenBody(http, at, evidence));
  if (http.status < 500 && !http.bodyError) {
    out.push(
      finding({
        code: 'origin.ok',
        severity: 'ok',
        title: `The origin answers HTTP ${http.status} on port ${o.request.port}`,
        detail: `${at} answered ${http.status}${http.statusText ? ` ${http.statusText}` : ''} (HTTP/${http.httpVersion}${http.server ? `, ${http.server}` : ''}) in ${http.ttfbMs} ms.${o.http2?.offered && o.http2.outcome === 'response' ? ` HTTP/2 (which it offers in ALPN, as Cloudflare would use) answers ${o.http2.status} too.` : ''}${o.clientCertRequested ? ' It asks for a client certificate but serves the request without one.' : ''}${http.status === 403 || http.status === 429 ? ' A 403/429 to the bot may mean a security layer that could also block Cloudflare.' : ''}`,
        evidence,
      }),
    );
  }
  return out;
}

export { demandsClientCert };

function tlsReason(code: string | undefined): string {
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') return ': the port answers plain HTTP, not TLS';
  if (code === 'TLS_HANDSHAKE_TIMEOUT') return ': the server never completed the handshake';
  if (code?.includes('CERTIFICATE_REQUIRED')) {
    return ': the origin demands a client certificate (Authenticated Origin Pulls), which only Cloudflare can present when the zone has it enabled';
  }
  return '';
}

/** A web server's or proxy's own 502/503/504 page, which means the app behind it is the problem. */
function gatewayPage(status: number, server: string | undefined, body: string): string | undefined {
  if (status < 502 || status > 504) return undefined;
  const text = `${server ?? ''}\n${body.slice(0, 4096)}`;
  const known =
    /\b(nginx|openresty|apache|caddy|envoy|haproxy|traefik|litespeed|microsoft-iis|varnish)\b/i.exec(text);
  if (known) return capitalise(known[1]!);
  if (/Bad Gateway|Gateway Time-?out|Proxy Error|upstream/i.test(body)) return 'a proxy';
  return undefined;
}

function capitalise(name: string): string {
  const lower = name.toLowerCase();
  const names: Record<string, string> = {
    haproxy: 'HAProxy',
    openresty: 'OpenResty',
    'microsoft-iis': 'IIS',
  };
  return names[lower] ?? lower;
}

export function problem<C extends FindingCode>(
  code: C,
  title: string,
  detail: string,
  evidence: EvidenceOf<C>,
  severity: Severity = 'error',
): Finding {
  return finding({ code, severity, title, detail, evidence });
}
