// The origin check's evidence, per finding code (joined in diagnosis/evidence.ts): the endpoint
// probed, what it answered, and the certificate it presented.
import type { SslMode } from '../../facts.js';
import type { Http2Observation, OriginOutcome } from '../../ports.js';

/** The endpoint one probe went to, and how the connection failed when it did. */
export type EndpointEvidence = {
  /** The address probed as given (IP literal or name). */
  address: string;
  resolvedAddress: string | null;
  port: number;
  scheme: 'http' | 'https';
  /** `address:port` as connected to. */
  endpoint: string;
  host: string;
  errorCode?: string;
  errorMessage?: string;
  connectMs?: number;
  /** Where the address came from (the DNS record, an Origin Rule…). */
  via?: string;
};

/** An endpoint that answered HTTP. */
export type AnswerEvidence = EndpointEvidence & {
  status: number;
  httpVersion: string;
  server: string | null;
  ttfbMs: number;
  headerBytes: number;
  /** Set when HTTP/2, offered in ALPN, answered too. */
  http2?: 'works';
};

/** The certificate an HTTPS endpoint presented. */
export type CertificateEvidence = AnswerEvidence & {
  subject: string;
  issuer: string;
  names: string[];
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  selfSigned: boolean;
  cloudflareOriginCa: boolean;
  tlsProtocol: string | null;
  trustError: string | null;
  sslMode: SslMode | 'unknown';
};

/** HTTP answers on port 80 while HTTPS fails (also added by the ssl-no-https correlation rule). */
export type NoHttpsEvidence = Partial<EndpointEvidence> & {
  mode: SslMode | 'unknown';
  origin: string;
  httpsPort: number;
  httpsOutcome: OriginOutcome;
  httpPort: number;
  httpStatus: number | null;
};

/**
 * The origin is at an address Cloudflare cannot reach: seen by the probe (with the endpoint), or
 * read from the zone's record (cloudflare/records.ts, and a Workers placeholder no route serves).
 */
export type PrivateAddressEvidence = Partial<EndpointEvidence> & {
  host: string;
  address: string;
  /** The record's content, or the address as given. */
  content: string;
  range: string | null;
  recordType?: string;
  proxied?: boolean;
  workerPlaceholder?: true;
};

export interface OriginEvidence {
  'origin.ok': AnswerEvidence;
  'origin.not_specified': { host: string; cloudflareFacts: boolean };
  'origin.resolution_failed':
    | (EndpointEvidence & { record: string | null })
    | {
        // An Origin Rule pointing at a name the zone has no record for (cloudflare/origin-route.ts).
        address: string;
        record: null;
        zone: string;
        ruleId: string | null;
        rule: string | null;
        errorCode: string;
      };
  'origin.connection_refused': EndpointEvidence;
  'origin.connect_timeout': EndpointEvidence;
  'origin.unreachable': EndpointEvidence;
  'origin.connection_reset': EndpointEvidence &
    // Set when the body broke off after the headers (response-shape.ts).
    Partial<Omit<AnswerEvidence, keyof EndpointEvidence>> & {
      receivedBytes?: number;
      expectedBytes?: number | null;
    };
  'origin.tls_handshake_failed': EndpointEvidence;
  'origin.invalid_response': EndpointEvidence;
  'origin.response_timeout': EndpointEvidence & {
    /** The bot's own wait, when it gave up first. */
    waitedMs?: number;
    /** When the answer came, but after Cloudflare's wait. */
    ttfbMs?: number;
    proxyReadTimeoutS: number;
    proxyReadTimeoutFrom: string;
  };
  'origin.http_5xx': AnswerEvidence & { gatewayPage: string | null };
  'origin.headers_too_large':
    | (AnswerEvidence & { largestHeaderBytes?: number | null })
    | (EndpointEvidence & { headerBytes: '>262144'; largestHeaderBytes?: number | null });
  'origin.tls_cert_expired': CertificateEvidence;
  'origin.tls_cert_untrusted': CertificateEvidence;
  'origin.tls_cert_hostname_mismatch': CertificateEvidence;
  'origin.tls_cert_expiring': CertificateEvidence & { daysLeft: number };
  'origin.tls_ok': CertificateEvidence & { daysLeft: number };
  'origin.requires_client_cert': EndpointEvidence & {
    clientCertRequested: true;
    aop: 'on' | 'off' | 'unknown';
    /** Which setting says so, or why it is unknown. */
    aopSource: string;
    /** What visitors get when Cloudflare does not present a certificate ("525", "its 403"). */
    edgeWouldShow: string;
  };
  'origin.http2_broken': AnswerEvidence & {
    http1Status: number | null;
    http2Outcome: Http2Observation['outcome'] | null;
    http2ErrorCode: string | null;
    http2Error: string | null;
  };
  'ssl.origin_no_https': NoHttpsEvidence;
  'dns.origin_private_address': PrivateAddressEvidence & { wildcard?: string };
  /** Added by the origin-blocks-cloudflare rule: the probe got answers where the edge shows 521/522. */
  'origin.blocks_cloudflare': {
    edgeStatus: number | undefined;
    cloudflareErrorCode: number | undefined;
    origin: string;
    port: number;
    originStatus: number | undefined;
    /** Cloudflare's ranges, to allow in the origin's firewall. */
    ipv4: string[];
    ipv6: string[];
    rangesSource: 'api' | 'bundled';
  };
  /** Added by the flexible-redirect rule: Flexible SSL, and the origin redirects HTTP to HTTPS. */
  'ssl.flexible_redirect_loop': {
    mode: 'flexible';
    origin: string;
    status: number;
    location: string | undefined;
  };
}
