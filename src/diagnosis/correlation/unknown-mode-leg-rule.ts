// With the SSL mode unknown the origin probe tries both legs, 80 in the clear and 443 over TLS, and
// only one is the leg Cloudflare uses. The edge's code says which: 521 points at a refused port,
// 525/526 at the TLS port, 524 at the one that stalls, 502/520 at the one that accepted and then
// misbehaved. That leg's findings are the story (restored to errors if the probe had demoted them
// because the other leg answered); the other leg's failures become notes — a port that is merely
// closed must not outrank the one that explains what visitors see.
import { anyEvidence } from '../evidence.js';
import type { Finding } from '../finding.js';
import type { OriginObservation } from '../ports.js';
import { edgeCodes } from './evidence.js';
import type { Rule } from './rule.js';

const EXPLAINS: Record<number, (o: OriginObservation) => boolean> = {
  521: (o) => o.outcome === 'refused',
  522: (o) => o.outcome === 'connect_timeout',
  523: (o) => o.outcome === 'unreachable',
  524: (o) => o.outcome === 'response_timeout',
  525: (o) => o.request.tls && (o.outcome === 'tls_failed' || o.outcome === 'refused'),
  526: (o) => o.request.tls && o.outcome === 'response' && o.tls !== undefined && !o.tls.trusted,
  502: misbehaved,
  520: misbehaved,
};

function misbehaved(o: OriginObservation): boolean {
  return (
    o.outcome === 'reset' ||
    o.outcome === 'invalid_response' ||
    (o.outcome === 'response' &&
      ((o.http?.status ?? 0) >= 500 || (o.http2?.offered === true && o.http2.outcome !== 'response')))
  );
}

export const unknownModeLegRule: Rule = {
  name: 'unknown-ssl-mode-edge-picks-the-leg',
  apply(input) {
    const mode = input.facts.cloudflare?.sslMode ?? input.facts.origin?.sslMode;
    const observations = input.facts.origin?.observations ?? [];
    if (mode !== undefined || observations.length < 2) return undefined;
    const codes = [...edgeCodes(input)].filter((c) => EXPLAINS[c] !== undefined);
    const code = codes.find((c) => c !== 502) ?? codes[0];
    if (code === undefined) return undefined;
    const explaining = observations.filter(EXPLAINS[code]!);
    const legs = new Set(explaining.map((o) => o.request.tls));
    // Both legs (or neither) fit the code: the edge does not pick one.
    if (legs.size !== 1) return undefined;
    const tls = [...legs][0]!;
    const ports = new Set(observations.filter((o) => o.request.tls === tls).map((o) => o.request.port));
    const otherPorts = new Set(observations.filter((o) => o.request.tls !== tls).map((o) => o.request.port));
    const onLeg = (f: Finding) =>
      anyEvidence(f).scheme === (tls ? 'https' : 'http') && ports.has(Number(anyEvidence(f).port));
    const offLeg = (f: Finding) =>
      anyEvidence(f).scheme === (tls ? 'http' : 'https') && otherPorts.has(Number(anyEvidence(f).port));
    const why = `The edge's ${code} matches port ${[...ports].join('/')} (${tls ? 'HTTPS' : 'HTTP'}), so that is the leg Cloudflare uses: the SSL mode is probably ${tls ? 'Full or Full (strict)' : 'Flexible'}.`;
    const findings = input.findings.map((f) => {
      if (!f.code.startsWith('origin.') && f.code !== 'ssl.origin_no_https') return f;
      // "HTTP answers, HTTPS does not" was only a warning while the mode was unknown; the edge settles it.
      const promoted =
        anyEvidence(f).unknownModeSeverity === 'error' ||
        (f.code === 'ssl.origin_no_https' && f.severity === 'warn');
      if (onLeg(f) && promoted && f.severity !== 'error') {
        return { ...f, severity: 'error' as const, detail: `${f.detail} ${why}` };
      }
      if (onLeg(f) && f.severity === 'error' && !f.detail.includes(why))
        return { ...f, detail: `${f.detail} ${why}` };
      if (offLeg(f) && (f.severity === 'error' || f.severity === 'warn')) {
        return {
          ...f,
          severity: 'info' as const,
          detail: `${f.detail} Not the leg Cloudflare uses, judging by the edge's ${code}.`,
          remediation: [],
        };
      }
      return f;
    });
    return { findings };
  },
};
