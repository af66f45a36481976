// Turns a failed API read into a finding. The diagnosis goes on without that part: a rejected
// token or an API outage is the bot's problem, not the site's, so these are warnings.
import { type CloudflareApiError, isCloudflareApiError } from '../../cloudflare-reader.js';
import { type Finding, finding } from '../../finding.js';

export function apiFinding(error: unknown): Finding {
  if (!isCloudflareApiError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return finding({
      code: 'cloudflare.api_unavailable',
      severity: 'warn',
      title: 'The Cloudflare API could not be read',
      detail: `Reading the zone failed unexpectedly (${message.slice(0, 200)}); the probes still ran.`,
      evidence: { operation: 'unknown', reason: message.slice(0, 200) },
    });
  }
  return fromApiError(error);
}

function fromApiError(error: CloudflareApiError): Finding {
  const evidence: Record<string, unknown> = { operation: error.operation, reason: error.message };
  if (error.status !== undefined) evidence['status'] = error.status;
  switch (error.kind) {
    case 'auth':
      if (error.permission !== undefined) evidence['permission'] = error.permission;
      return finding({
        code: 'cloudflare.auth_failed',
        severity: 'warn',
        title: `The API token cannot read ${error.operation}`,
        detail:
          error.status === 401
            ? `Cloudflare rejected the API token (HTTP 401) while reading ${error.operation}. The rest of the diagnosis ran without it.`
            : `The API token lacks a permission: reading ${error.operation} needs "${error.permission ?? 'read access'}" (${error.message}). That part of the diagnosis was skipped.`,
        evidence,
      });
    case 'rate_limited':
      if (error.retryAfterSeconds !== undefined) evidence['retryAfterSeconds'] = error.retryAfterSeconds;
      return finding({
        code: 'cloudflare.rate_limited',
        severity: 'warn',
        title: 'The Cloudflare API rate limit was reached',
        detail: `Cloudflare asked to wait${error.retryAfterSeconds !== undefined ? ` ${error.retryAfterSeconds} s` : ''} before reading ${error.operation}; the bot did not wait past its time budget, so that part is missing. The probes still ran.`,
        evidence,
      });
    case 'not_found':
    case 'invalid':
    case 'unavailable':
      return finding({
        code: 'cloudflare.api_unavailable',
        severity: 'warn',
        title: `The Cloudflare API did not answer for ${error.operation}`,
        detail: `${capitalise(error.message)}. That part of the diagnosis is missing; the probes still ran.`,
        evidence,
      });
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One finding per code and operation, so a token without a permission is not reported four times. */
export function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${String(f.evidence['operation'] ?? '')}|${f.title}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
