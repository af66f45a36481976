// Findings as a check reports them, for tests that hand the presenter, the correlation rules or
// the fix planner a report directly. The evidence keys are checked against the code's evidence
// type (src/diagnosis/evidence.ts), so a renamed key fails here too; a test may leave out the keys
// its behaviour does not depend on.
import type { FindingCode } from '../../src/diagnosis/codes.js';
import type { EvidenceOf } from '../../src/diagnosis/evidence.js';
import { type FindingOf, finding, type Severity } from '../../src/diagnosis/finding.js';

export function reported<C extends FindingCode>(input: {
  code: C;
  severity?: Severity;
  title?: string;
  detail?: string;
  evidence?: Partial<EvidenceOf<C>>;
  remediation?: string[];
}): FindingOf<C> {
  const { code, severity = 'error', title = code, detail = `${code}.`, evidence = {}, ...rest } = input;
  return finding({ ...rest, code, severity, title, detail, evidence: evidence as EvidenceOf<C> });
}
