// A proxied record pointing at a private/reserved address explains everything after it: Cloudflare
// cannot connect there, so the edge's 52x and any origin symptom follow from it.

import { annotate, findProblem } from './evidence.js';
import type { Rule } from './rule.js';

export const privateAddressRule: Rule = {
  name: 'private-address-explains-all',
  apply(input) {
    const cause = findProblem(input.findings, 'dns.origin_private_address');
    if (!cause) return undefined;
    const note = `Explained by the DNS record pointing at ${cause.evidence.address ?? 'a private address'}, which Cloudflare cannot reach.`;
    const findings = annotate(input.findings, 'edge.error', note);
    return { findings, cause: 'dns.origin_private_address' };
  },
};
