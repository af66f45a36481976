// An origin that offers HTTP/2 and breaks it explains a 520. If the edge answers fine, Cloudflare
// is not using HTTP/2 to this origin yet (HTTP/2 to Origin off, or not rolled out): a warning that
// it will break when it is, not the cause of anything now.
import { edgeLooksFine, edgeShows, regrade } from './evidence.js';
import type { Rule } from './rule.js';

export const http2Rule: Rule = {
  name: 'origin-breaks-http2',
  apply(input) {
    const found = input.findings.find((f) => f.code === 'origin.http2_broken');
    if (!found) return undefined;
    if (edgeShows(input, 520, 502)) return { cause: 'origin.http2_broken' };
    if (!edgeLooksFine(input)) return undefined;
    const note =
      'The edge answers fine for now, so Cloudflare does not use HTTP/2 to this origin yet; it will fail with 520 once it does.';
    const findings = regrade(input.findings, 'origin.http2_broken', 'warn').map((f) =>
      f.code === 'origin.http2_broken' && !f.detail.includes(note)
        ? { ...f, detail: `${f.detail} ${note}` }
        : f,
    );
    return { findings };
  },
};
