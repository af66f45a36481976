// SSL mode Full/Strict sends Cloudflare to port 443; when the origin has no HTTPS there but port 80
// answers, that explains the edge's 521 (refused) or 525 (handshake failed).

import { demandsClientCert } from '../checks/origin/client-cert.js';
import { finding } from '../finding.js';
import { annotate, edgeLabel, edgeLooksFine, edgeShows, has } from './evidence.js';
import type { Rule } from './rule.js';

const WANTS_HTTPS = new Set(['full', 'strict', 'origin_pull']);
const NO_HTTPS = new Set(['refused', 'tls_failed', 'reset', 'invalid_response']);

export const sslNoHttpsRule: Rule = {
  name: 'full-ssl-without-origin-https',
  apply(input) {
    const mode = input.facts.cloudflare?.sslMode ?? input.facts.origin?.sslMode;
    if (!mode || !WANTS_HTTPS.has(mode)) return undefined;
    const observations = input.facts.origin?.observations ?? [];
    // An origin refusing the bot for want of a client certificate does serve HTTPS (to Cloudflare).
    const https = observations.find((o) => o.request.tls && NO_HTTPS.has(o.outcome) && !demandsClientCert(o));
    const http = observations.find((o) => !o.request.tls && o.outcome === 'response');
    if (!https || !http) return undefined;
    const origin = https.resolvedAddress ?? https.request.address;
    if (has(input.findings, 'ssl.origin_no_https')) {
      return edgeShows(input, 521, 525) ? { cause: 'ssl.origin_no_https' } : undefined;
    }
    const fine = edgeLooksFine(input);
    const added = finding({
      code: 'ssl.origin_no_https',
      severity: fine ? 'warn' : 'error',
      title: `SSL mode ${mode} but the origin serves no HTTPS`,
      detail: `Cloudflare connects to ${origin}:${https.request.port} over HTTPS in this mode, and there the origin ${https.outcome === 'refused' ? 'refuses the connection' : 'does not complete a TLS handshake'}, while port ${http.request.port} answers plain HTTP (${http.http?.status ?? '?'}).${fine ? ` Yet the edge answered ${edgeLabel(input)}: a Configuration Rule may set another mode for this host.` : ''}`,
      evidence: {
        mode,
        origin,
        httpsPort: https.request.port,
        httpsOutcome: https.outcome,
        httpPort: http.request.port,
        httpStatus: http.http?.status ?? null,
      },
    });
    const findings = annotate(
      [...input.findings, added],
      'edge.error',
      'Explained by the SSL mode requiring HTTPS the origin does not serve.',
    );
    return fine ? { findings } : { findings, cause: 'ssl.origin_no_https' };
  },
};
