import type { StepsByCode } from './steps.js';

export const CHANGE_STEPS: StepsByCode = {
  'change.suspect': (e) => {
    const change = typeof e.change === 'object' && e.change !== null ? e.change : undefined;
    if (!change) return ['Roll back the recent change that preceded the errors, then re-check.'];
    const back =
      change.from !== undefined
        ? `Roll it back: set ${change.what} back to ${change.from} (it was changed to ${change.to ?? 'its current value'} by ${change.who}).`
        : `Roll it back: undo the ${change.action} ${change.what} made by ${change.who} (the audit log does not hold the previous value; see Manage Account → Audit Log).`;
    const steps = [back];
    if (change.rollback) {
      steps.push(
        'With CLOUDFLARE_FIX_TOKEN configured, the "Roll back" button under the summary (or `check502 fix <site> rollback`) previews and applies exactly this, with an Undo for an hour.',
      );
    }
    steps.push(
      'Then fix the underlying cause above before re-applying the change, so it does not break the site again.',
    );
    return steps;
  },
};
