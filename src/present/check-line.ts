// What a check with no problem says in one line ("zone active, record proxied, SSL Full (strict)"):
// a few words per finding it reported, the short fact for the codes every healthy run shows, the
// finding's title otherwise.
import type { FindingCode } from '../diagnosis/codes.js';
import type { EvidenceOf, Flat } from '../diagnosis/evidence.js';
import type { Finding } from '../diagnosis/finding.js';
import { SSL_MODE_LABEL } from './labels.js';

/** A few words for a healthy finding, from its evidence (typed per code; any key may be missing). */
type Short<C extends FindingCode> = (evidence: Flat<EvidenceOf<C>>) => string | undefined;

const SHORT: { [C in FindingCode]?: Short<C> } = {
  'cloudflare.zone_ok': (e) => `zone ${typeof e.status === 'string' ? e.status : 'active'}`,
  'dns.record_ok': (e) => recordWords(e.records),
  'ssl.mode': (e) => `SSL ${SSL_MODE_LABEL[String(e.mode)] ?? String(e.mode ?? '?')}`,
  'dns.public_ok': () => 'resolves to Cloudflare',
  'edge.ok': (e) => (typeof e.status === 'number' ? `HTTP ${e.status}` : 'answered'),
  'origin.ok': (e) => (typeof e.status === 'number' ? `HTTP ${e.status}` : 'answered'),
  'origin.tls_ok': (e) =>
    typeof e.daysLeft === 'number' ? `certificate valid ${e.daysLeft} more days` : 'certificate valid',
  'analytics.ok': (e) => (typeof e.sharePercent === 'number' ? `${e.sharePercent}% 5xx` : undefined),
  'tunnel.ok': () => 'tunnel healthy',
  'lb.ok': () => 'pools healthy',
};

export function checkLine(findings: readonly Finding[]): string {
  const words = findings.map((f) => shortFor(f) ?? lowerFirst(f.title));
  return [...new Set(words.filter((w): w is string => w !== undefined && w !== ''))].slice(0, 4).join(', ');
}

function shortFor<C extends FindingCode>(f: Finding & { code: C }): string | undefined {
  // SHORT pairs each code with its own evidence type; the generic lookup needs this one cast.
  const short = SHORT[f.code] as Short<C> | undefined;
  return short?.(f.evidence as Flat<EvidenceOf<C>>);
}

function recordWords(records: unknown): string {
  if (!Array.isArray(records) || records.length === 0) return 'record found';
  return records.every((r) => (r as { proxied?: unknown }).proxied === true)
    ? 'record proxied'
    : 'record DNS-only';
}

function lowerFirst(text: string): string {
  return text === '' ? text : text[0]!.toLowerCase() + text.slice(1);
}
