// Which findings are only the edge's view of a failure further down: the edge's error page (521
// under a refusing origin, 530 under a tunnel that is down) and the share of 5xx in analytics. Such
// a finding is explained by a primary cause earlier in the causal chain (CAUSE_ORDER), and readers
// see it folded under that cause instead of as a separate problem.
import type { FindingCode } from '../codes.js';
import { CAUSE_ORDER } from './cause-order.js';

const SYMPTOMS: ReadonlySet<FindingCode> = new Set(['edge.error', 'analytics.edge_5xx']);

export function explains(cause: FindingCode, other: FindingCode): boolean {
  if (cause === other || !SYMPTOMS.has(other)) return false;
  const at = CAUSE_ORDER.indexOf(cause);
  return at !== -1 && at < CAUSE_ORDER.indexOf(other);
}
