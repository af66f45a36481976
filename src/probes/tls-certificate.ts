// Judges the origin's certificate the way Full (strict) would: validity against our clock, trust
// (Node's own verification, then the chain against Cloudflare's Origin CA roots and any extra CA),
// and whether it names the site.
import { X509Certificate } from 'node:crypto';
import {
  checkServerIdentity,
  type DetailedPeerCertificate,
  rootCertificates,
  type TLSSocket,
} from 'node:tls';
import type { CertificateInfo, TlsObservation } from '../diagnosis/ports.js';
import { CLOUDFLARE_ORIGIN_CA_ROOTS } from './cloudflare-origin-ca.js';

/** OpenSSL errors that say only "the time is wrong": the chain itself may still be trusted. */
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const MAX_CHAIN = 10;
/** Failures we re-judge ourselves: dates, or a chain Node could not anchor in its own store. */
const RECHECKABLE = new Set([
  ...TIME_ERRORS,
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

export interface TrustAnchors {
  /** Public roots plus extra CAs; parsed on first need (only when Node's own check failed). */
  general(): X509Certificate[];
  originCa: X509Certificate[];
}

/** Parsed once per prober, not per probe (the public store holds ~140 roots). */
export function loadTrustAnchors(
  extraCa: readonly string[],
  originCaRoots: readonly string[] = CLOUDFLARE_ORIGIN_CA_ROOTS,
): TrustAnchors {
  const parse = (pems: readonly string[]) =>
    pems.flatMap((pem) => {
      try {
        return [new X509Certificate(pem)];
      } catch {
        return [];
      }
    });
  let general: X509Certificate[] | undefined;
  return {
    general: () => {
      general ??= parse([...rootCertificates, ...extraCa]);
      return general;
    },
    originCa: parse(originCaRoots),
  };
}

export function judgeCertificate(
  socket: TLSSocket,
  host: string,
  anchors: TrustAnchors,
  now: Date,
): TlsObservation {
  const cipher = socket.getCipher();
  const observation: TlsObservation = { trusted: false, expired: false, hostnameMatches: false };
  const protocol = socket.getProtocol();
  if (protocol) observation.protocol = protocol;
  if (typeof socket.alpnProtocol === 'string') observation.alpn = socket.alpnProtocol;
  if (cipher?.name) observation.cipher = cipher.name;

  const peer = socket.getPeerCertificate(true) as DetailedPeerCertificate;
  if (!peer?.raw) {
    observation.trustError = 'NO_PEER_CERTIFICATE';
    return observation;
  }
  const chain = presentedChain(peer);
  const leaf = chain[0]!;
  const authError = socket.authorizationError ? String(socket.authorizationError) : undefined;

  // Node verified against its store (and NODE_EXTRA_CA_CERTS) but not against extra CAs given to us,
  // nor the Origin CA: those, and time-only failures, are re-checked by walking the chain ourselves.
  const viaOriginCa = anchoredIn(chain, anchors.originCa);
  const viaGeneral =
    authError === undefined || (RECHECKABLE.has(authError) && anchoredIn(chain, anchors.general()));
  observation.trusted = viaGeneral || viaOriginCa;
  if (!observation.trusted) observation.trustError = authError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';

  const validFrom = new Date(leaf.validFrom);
  const validTo = new Date(leaf.validTo);
  observation.expired = now.getTime() > validTo.getTime() || now.getTime() < validFrom.getTime();
  observation.hostnameMatches = checkServerIdentity(host, peer) === undefined;
  observation.certificate = describe(leaf, peer, validFrom, validTo, viaOriginCa);
  return observation;
}

function presentedChain(peer: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current: DetailedPeerCertificate | undefined = peer;
  const seen = new Set<string>();
  while (current?.raw && chain.length < MAX_CHAIN && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    try {
      chain.push(new X509Certificate(current.raw));
    } catch {
      break;
    }
    current = current.issuerCertificate;
  }
  return chain;
}

/** True when the presented chain links, signature by signature, to one of the anchors (dates ignored). */
function anchoredIn(chain: X509Certificate[], anchors: X509Certificate[]): boolean {
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    if (anchors.some((anchor) => cert.checkIssued(anchor) && cert.verify(anchor.publicKey))) return true;
    if (anchors.some((anchor) => anchor.fingerprint256 === cert.fingerprint256)) return true;
    const next = chain[i + 1];
    if (!next?.ca || !cert.checkIssued(next) || !cert.verify(next.publicKey)) return false;
  }
  return false;
}

function describe(
  leaf: X509Certificate,
  peer: DetailedPeerCertificate,
  validFrom: Date,
  validTo: Date,
  originCa: boolean,
): CertificateInfo {
  return {
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    names: namesOf(leaf, peer),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    fingerprint256: leaf.fingerprint256,
    // Not checkIssued(): OpenSSL also demands keyCertSign, which a self-signed leaf usually lacks.
    selfSigned: leaf.subject === leaf.issuer && leaf.verify(leaf.publicKey),
    cloudflareOriginCa: originCa,
  };
}

function namesOf(leaf: X509Certificate, peer: DetailedPeerCertificate): string[] {
  const names = (leaf.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:') || entry.startsWith('IP Address:'))
    .map((entry) => entry.replace(/^DNS:|^IP Address:/, ''))
    .slice(0, 50);
  if (names.length > 0) return names;
  const cn = peer.subject?.CN;
  return typeof cn === 'string' ? [cn] : Array.isArray(cn) ? cn.slice(0, 5) : [];
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ').slice(0, 300);
}
