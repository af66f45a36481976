// Flexible mode talks HTTP to the origin; an origin that redirects HTTP to HTTPS for the same host
// sends Cloudflare (and the visitor) round in circles: ERR_TOO_MANY_REDIRECTS.

import { finding } from '../finding.js';
import { edgeLabel, has } from './evidence.js';
import type { Rule } from './rule.js';

export const flexibleRedirectRule: Rule = {
  name: 'flexible-mode-redirect-loop',
  apply(input) {
    const mode = input.facts.cloudflare?.sslMode ?? input.facts.origin?.sslMode;
    if (mode !== 'flexible' || has(input.findings, 'ssl.flexible_redirect_loop')) return undefined;
    const host = input.target.host;
    const loop = (input.facts.origin?.observations ?? []).find((o) => {
      const status = o.http?.status ?? 0;
      const location = o.http?.headers['location'] ?? '';
      return !o.request.tls && status >= 300 && status < 400 && sameHostHttps(location, host);
    });
    if (!loop?.http) return undefined;
    const origin = loop.resolvedAddress ?? loop.request.address;
    // A 2xx at the edge means something (a Configuration Rule, a cache) breaks the loop: say so.
    const edgeStatus = input.facts.edge?.status;
    const served = edgeStatus !== undefined && edgeStatus >= 200 && edgeStatus < 300;
    const added = finding({
      code: 'ssl.flexible_redirect_loop',
      severity: served ? 'warn' : 'error',
      title: 'Flexible SSL with an origin that redirects to HTTPS: redirect loop',
      detail: `In Flexible mode Cloudflare asks the origin over plain HTTP; the origin ${origin} answers ${loop.http.status} to ${loop.http.headers['location'] ?? '?'}, so every visit bounces back to Cloudflare (too many redirects).${served ? ` Yet the edge answered ${edgeLabel(input)}: a Configuration Rule or cached page may hide the loop for now.` : ''}`,
      evidence: { mode, origin, status: loop.http.status, location: loop.http.headers['location'] },
    });
    const findings = [...input.findings, added];
    return served ? { findings } : { findings, cause: 'ssl.flexible_redirect_loop' };
  },
};

function sameHostHttps(location: string, host: string): boolean {
  try {
    const url = new URL(location, `http://${host}/`);
    return url.protocol === 'https:' && url.hostname.toLowerCase() === host;
  } catch {
    return false;
  }
}
