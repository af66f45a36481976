// The shape of a correlation rule, apart from correlate.ts, so the rules and the function that runs
// them do not import each other.
import type { FindingCode } from '../codes.js';
import type { Facts } from '../facts.js';
import type { Finding } from '../finding.js';
import type { CheckSummary } from '../report.js';
import type { Target } from '../target.js';

export interface CorrelationInput {
  target: Target;
  facts: Partial<Facts>;
  findings: Finding[];
  checks: CheckSummary[];
}

export interface RuleEffect {
  /** The findings after the rule (add derived ones, re-grade or annotate existing ones). */
  findings?: Finding[];
  /** The code this rule judges to explain the others. The first rule to name one wins. */
  cause?: FindingCode;
}

/** One correlation rule; each lives in its own file under correlation/ and is listed in rules.ts. */
export interface Rule {
  name: string;
  apply(input: CorrelationInput): RuleEffect | undefined;
}
