// Words and markers shared by chat renderers so Slack and Discord describe a report the same way.
import type { Severity } from '../../diagnosis/finding.js';
import type { CheckStatus, Verdict } from '../../diagnosis/report.js';

export const VERDICT_LABEL: Record<Verdict, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  failing: 'failing',
  unknown: 'could not be checked',
};

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

export const CHECK_STATUS_LABEL: Record<CheckStatus, string> = {
  passed: 'passed',
  failed: 'found problems',
  skipped: 'skipped',
  errored: 'could not complete',
};

const CHECK_TITLES: Record<string, string> = {
  publicDns: 'Public DNS',
  edge: 'Cloudflare edge',
  cloudflare: 'Cloudflare API',
  origin: 'Origin (direct)',
  originSamples: 'Origin samples',
  keepAlive: 'Origin keep-alive',
  edgeSamples: 'Edge samples',
  analytics: 'Cloudflare analytics',
};

export function checkTitle(name: string): string {
  return CHECK_TITLES[name] ?? name;
}
