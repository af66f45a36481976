// Slack's emoji for severities and verdicts (shortcodes Slack renders in mrkdwn).
import type { Severity } from '../../diagnosis/finding.js';
import type { Verdict } from '../../diagnosis/report.js';

export const VERDICT_EMOJI: Record<Verdict, string> = {
  healthy: ':large_green_circle:',
  degraded: ':large_yellow_circle:',
  failing: ':red_circle:',
  unknown: ':white_circle:',
};

export const SEVERITY_EMOJI: Record<Severity, string> = {
  ok: ':white_check_mark:',
  info: ':information_source:',
  warn: ':warning:',
  error: ':x:',
};

/** The mark before a check's one line in the summary. */
export const CHECK_MARK: Record<Severity | 'skipped', string> = {
  ok: '✓',
  info: '✓',
  warn: ':warning:',
  error: ':x:',
  skipped: '–',
};
