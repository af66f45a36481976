// An origin that demands a client certificate: the edge decides how much it matters when the bot
// could not read whether Cloudflare presents one (Authenticated Origin Pulls). An edge that answers
// fine means Cloudflare presents it; a 525 (or the origin's 400/403 relayed, or 520) means it does
// not, or presents one the origin does not trust — then this is the cause.
import { findCode, regrade } from './evidence.js';
import type { Rule } from './rule.js';

const REJECTED = new Set([400, 403, 495, 496, 520, 525]);

export const clientCertRule: Rule = {
  name: 'client-certificate-demanded',
  apply(input) {
    const found = findCode(input.findings, 'origin.requires_client_cert');
    const edge = input.facts.edge;
    if (!found || edge?.status === undefined) return undefined;
    const shown = [edge.status, edge.cloudflareErrorCode].some((c) => c !== undefined && REJECTED.has(c));
    if (shown) {
      const note =
        found.evidence.aop === 'on'
          ? `Yet the edge shows ${edge.cloudflareErrorCode ?? edge.status}: the origin does not accept the certificate Cloudflare presents.`
          : `The edge shows ${edge.cloudflareErrorCode ?? edge.status}: Cloudflare is refused the same way.`;
      const findings = regrade(input.findings, 'origin.requires_client_cert', 'error').map((f) =>
        f.code === 'origin.requires_client_cert' && !f.detail.includes(note)
          ? { ...f, detail: `${f.detail} ${note}` }
          : f,
      );
      return { findings, cause: 'origin.requires_client_cert' };
    }
    if (edge.status < 400 && found.severity === 'warn') {
      const findings = regrade(input.findings, 'origin.requires_client_cert', 'info').map((f) =>
        f.code === 'origin.requires_client_cert'
          ? {
              ...f,
              detail: `${f.detail} The edge answers ${edge.status}, so Cloudflare presents a certificate the origin accepts.`,
              remediation: [],
            }
          : f,
      );
      return { findings };
    }
    return undefined;
  },
};
