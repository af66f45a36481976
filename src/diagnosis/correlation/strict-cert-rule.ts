// Full (strict) plus an expired, untrusted or mismatched origin certificate explains a 526. When
// the edge shows the 526, the certificate findings become errors whatever the probe graded them.
import type { FindingCode } from '../codes.js';
import { annotate, edgeShows, has } from './evidence.js';
import type { Rule } from './rule.js';

const CERT_CODES: readonly FindingCode[] = [
  'origin.tls_cert_expired',
  'origin.tls_cert_untrusted',
  'origin.tls_cert_hostname_mismatch',
];

export const strictCertRule: Rule = {
  name: 'strict-mode-cert-explains-526',
  apply(input) {
    const present = CERT_CODES.filter((c) => has(input.findings, c));
    const first = present[0];
    if (!first) return undefined;
    const mode = input.facts.cloudflare?.sslMode ?? input.facts.origin?.sslMode;
    const strict = mode === 'strict' || mode === 'origin_pull';
    const edge526 = edgeShows(input, 526);
    if (!edge526) {
      return strict && !input.facts.edge ? { cause: first } : undefined;
    }
    let findings = input.findings.map((f) =>
      present.includes(f.code) && f.severity !== 'error' ? { ...f, severity: 'error' as const } : f,
    );
    if (!strict) {
      const note = mode
        ? `The zone's SSL mode reads "${mode}", yet the edge shows 526 (which only Full (strict) produces): a Configuration Rule probably sets strict for this host.`
        : 'The edge shows 526, which only Full (strict) produces.';
      findings = annotate(findings, first, note);
    }
    findings = annotate(
      findings,
      'edge.error',
      'Explained by the origin certificate failing Full (strict) validation.',
    );
    return { findings, cause: first };
  },
};
