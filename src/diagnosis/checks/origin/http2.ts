// HTTP/2 to the origin. Cloudflare uses HTTP/2 towards an origin that selects `h2` in ALPN (when
// the zone's "HTTP/2 to Origin" allows it); an origin that advertises h2 and then cannot speak it
// gives visitors 520 while every HTTP/1.1 client, curl included, sees a healthy site.
import { type Finding, finding } from '../../finding.js';
import type { OriginObservation } from '../../ports.js';
import type { AnswerEvidence } from './evidence.js';

/** HTTP/1.1 answered while the HTTP/2 exchange the origin itself offered failed. */
export function http2Broken(o: OriginObservation): boolean {
  return o.outcome === 'response' && o.http2?.offered === true && o.http2.outcome !== 'response';
}

export function http2BrokenFinding(o: OriginObservation, evidence: AnswerEvidence): Finding {
  const h2 = o.http2;
  return finding({
    code: 'origin.http2_broken',
    severity: 'error',
    title: 'The origin offers HTTP/2 and then fails it',
    detail: `${evidence.endpoint} selects h2 in ALPN, so Cloudflare talks HTTP/2 to it, but the HTTP/2 request failed (${h2?.error?.code ?? h2?.outcome ?? 'no answer'}${h2?.error?.message ? `: ${h2.error.message}` : ''}) while HTTP/1.1 answers ${o.http?.status}. Cloudflare shows 520 for this.`,
    evidence: {
      ...evidence,
      http1Status: o.http?.status ?? null,
      http2Outcome: h2?.outcome ?? null,
      http2ErrorCode: h2?.error?.code ?? null,
      http2Error: h2?.error?.message.slice(0, 200) ?? null,
    },
  });
}
