// The words every renderer uses for verdicts, check statuses and check names, so Slack, Discord
// and the terminal describe a report alike ("Public DNS found a problem", never `publicDns failed`).
import type { CheckStatus, Verdict } from '../diagnosis/report.js';

export const VERDICT_LABEL: Record<Verdict, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  failing: 'failing',
  unknown: 'could not be checked',
};

export const CHECK_STATUS_LABEL: Record<CheckStatus, string> = {
  passed: 'passed',
  failed: 'found a problem',
  skipped: 'skipped',
  errored: 'could not complete',
};

const CHECK_TITLES: Record<string, string> = {
  cloudflare: 'Cloudflare API',
  publicDns: 'Public DNS',
  edge: 'Cloudflare edge',
  origin: 'Origin (direct)',
  originSamples: 'Origin samples',
  keepAlive: 'Origin keep-alive',
  edgeSamples: 'Edge samples',
  analytics: 'Cloudflare analytics',
  zoneSettings: 'Zone settings',
  changes: 'Recent changes',
};

export function checkTitle(name: string): string {
  return CHECK_TITLES[name] ?? name;
}

export const SSL_MODE_LABEL: Record<string, string> = {
  off: 'Off',
  flexible: 'Flexible',
  full: 'Full',
  strict: 'Full (strict)',
  origin_pull: 'Strict (SSL-only origin pull)',
};

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
