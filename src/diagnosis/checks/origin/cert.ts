// Certificate findings for an HTTPS origin. Graded by the SSL mode: only Full (strict) (and
// Strict origin pull) refuses a bad certificate — with 526 — so those are errors there and
// warnings under Full or when the mode is unknown (Full accepts any certificate).
import type { SslMode } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import type { OriginObservation } from '../../ports.js';
import type { AnswerEvidence, CertificateEvidence } from './evidence.js';

const DAY_MS = 86_400_000;
const EXPIRING_DAYS = 14;

export function certificateFindings(
  o: OriginObservation,
  mode: SslMode | undefined,
  base: AnswerEvidence,
  now: Date,
): Finding[] {
  const tls = o.tls;
  const cert = tls?.certificate;
  if (!tls || !cert) return [];
  const strict = mode === 'strict' || mode === 'origin_pull';
  const severity = strict ? 'error' : 'warn';
  const evidence: CertificateEvidence = {
    ...base,
    subject: cert.subject,
    issuer: cert.issuer,
    names: cert.names,
    notBefore: cert.validFrom,
    notAfter: cert.validTo,
    fingerprint256: cert.fingerprint256,
    selfSigned: cert.selfSigned,
    cloudflareOriginCa: cert.cloudflareOriginCa,
    tlsProtocol: tls.protocol ?? null,
    trustError: tls.trustError ?? null,
    sslMode: mode ?? 'unknown',
  };
  const consequence = strict
    ? 'Under Full (strict) Cloudflare refuses it and shows 526 (invalid SSL certificate).'
    : `Under Full (strict) Cloudflare would refuse it with 526; ${mode === 'full' ? 'the current Full mode accepts it, but it protects nothing.' : 'the SSL mode is unknown here, so this is a warning.'}`;
  const out: Finding[] = [];
  if (tls.expired) {
    const before = new Date(cert.validFrom).getTime() > now.getTime();
    out.push(
      finding({
        code: 'origin.tls_cert_expired',
        severity,
        title: before
          ? 'The origin certificate is not valid yet'
          : `The origin certificate expired on ${cert.validTo.slice(0, 10)}`,
        detail: `The certificate for ${cert.names.join(', ') || cert.subject} is valid from ${cert.validFrom} to ${cert.validTo}. ${consequence}`,
        evidence,
      }),
    );
  }
  if (!tls.trusted) {
    out.push(
      finding({
        code: 'origin.tls_cert_untrusted',
        severity,
        title: cert.selfSigned
          ? 'The origin certificate is self-signed'
          : 'The origin certificate is not from a trusted CA',
        detail: `The certificate (issuer: ${cert.issuer}) does not chain to a public CA nor to Cloudflare's Origin CA${tls.trustError ? ` (${tls.trustError})` : ''}. ${consequence}`,
        evidence,
      }),
    );
  }
  if (!tls.hostnameMatches) {
    out.push(
      finding({
        code: 'origin.tls_cert_hostname_mismatch',
        severity,
        title: `The origin certificate does not cover ${o.request.host}`,
        detail: `The certificate names ${cert.names.join(', ') || '(no names)'}, not ${o.request.host}. ${consequence}`,
        evidence,
      }),
    );
  }
  if (out.length > 0) return out;

  const daysLeft = Math.floor((new Date(cert.validTo).getTime() - now.getTime()) / DAY_MS);
  if (daysLeft < EXPIRING_DAYS) {
    out.push(
      finding({
        code: 'origin.tls_cert_expiring',
        severity: 'warn',
        title: `The origin certificate expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`,
        detail: `The certificate for ${cert.names.join(', ')} expires on ${cert.validTo}; once it does, Full (strict) answers 526.`,
        evidence: { ...evidence, daysLeft },
      }),
    );
    return out;
  }
  out.push(
    finding({
      code: 'origin.tls_ok',
      severity: 'ok',
      title: `The origin certificate is valid for ${o.request.host}`,
      detail: `${tls.protocol ?? 'TLS'}, issued by ${cert.issuer}${cert.cloudflareOriginCa ? " (Cloudflare's Origin CA, trusted by Full (strict))" : ''}, valid until ${cert.validTo.slice(0, 10)} (${daysLeft} days).`,
      evidence: { ...evidence, daysLeft },
    }),
  );
  return out;
}
