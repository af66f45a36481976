// The bot waits its own budget (10 s), Cloudflare waits proxy_read_timeout (100 s unless changed):
// an origin silent past the bot's budget is a warning until the edge agrees. A 524 at the edge, or
// an edge that did not answer within the budget either, makes it the cause.
import { edgeShows, regrade } from './evidence.js';
import type { Rule } from './rule.js';

export const slowOriginRule: Rule = {
  name: 'origin-silent-past-the-bot-budget',
  apply(input) {
    const found = input.findings.find((f) => f.code === 'origin.response_timeout' && f.severity === 'warn');
    if (!found) return undefined;
    const edgeTimedOut =
      input.facts.edge?.observation.error?.code === 'ETIMEDOUT' && input.facts.edge.status === undefined;
    if (!edgeShows(input, 524) && !edgeTimedOut) return undefined;
    const note = edgeShows(input, 524)
      ? "The edge shows 524: Cloudflare's own wait ran out too."
      : 'The edge did not answer within the budget either: visitors are waiting on the same origin.';
    const findings = regrade(input.findings, 'origin.response_timeout', 'error').map((f) =>
      f.code === 'origin.response_timeout' && !f.detail.includes(note)
        ? { ...f, detail: `${f.detail} ${note}` }
        : f,
    );
    return { findings, cause: 'origin.response_timeout' };
  },
};
