// The changes check's evidence, per finding code (joined in diagnosis/evidence.ts), and the
// change-suspect rule's, which names one of those changes as the likely trigger.
import type { Change } from '../../change.js';
import type { FindingCode } from '../../codes.js';

export interface ChangeEvidence {
  'change.recent': { changes: Change[]; entriesRead: number };
  'change.unavailable': { permission: string; status: number | null };
  'change.suspect': {
    change: Change;
    /** The primary cause the change touches. */
    triggerOf: FindingCode;
    minutesBefore: number;
    /** When the errors began (RFC 3339), when known, and what told us. */
    errorsBegan: string | null;
    errorsBeganSource: 'incident' | 'analytics' | null;
  };
}
