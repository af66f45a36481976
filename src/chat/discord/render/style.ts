// Colours and emoji per severity, verdict and check status: one place so every message agrees.
import type { Severity } from '../../../diagnosis/finding.js';
import type { CheckStatus, Verdict } from '../../../diagnosis/report.js';

export const SEVERITY_COLOUR: Record<Severity, number> = {
  ok: 0x2ecc71,
  info: 0x3498db,
  warn: 0xf39c12,
  error: 0xe74c3c,
};

export const SEVERITY_EMOJI: Record<Severity, string> = { ok: '✅', info: 'ℹ️', warn: '⚠️', error: '🔴' };

export const VERDICT_COLOUR: Record<Verdict, number> = {
  healthy: 0x2ecc71,
  degraded: 0xf39c12,
  failing: 0xe74c3c,
  unknown: 0x95a5a6,
};

export const VERDICT_EMOJI: Record<Verdict, string> = {
  healthy: '✅',
  degraded: '⚠️',
  failing: '🔴',
  unknown: '❔',
};

export const STATUS_EMOJI: Record<CheckStatus, string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  errored: '💥',
};
