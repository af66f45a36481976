// Turns a failed API read into a finding. The diagnosis goes on without that part: a rejected
// token or an API outage is the bot's problem, not the site's, so these are warnings.
import { type CloudflareApiError, isCloudflareApiError } from '../../cloudflare-api-error.js';
import { anyEvidence } from '../../evidence.js';
import { type Finding, finding } from '../../finding.js';
import type { ApiErrorEvidence } from './evidence.js';

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
  const evidence: ApiErrorEvidence = { operation: error.operation, reason: error.message };
  if (error.status !== undefined) evidence.status = error.status;
  switch (error.kind) {
    case 'auth':
      return authFinding(error, evidence);
    case 'not_entitled':
      return finding({
        code: error.operation.includes('analytics') ? 'analytics.unavailable' : 'cloudflare.not_entitled',
        severity: 'info',
        title: `${capitalise(error.operation)}: not available on this zone's plan`,
        detail: `${capitalise(error.message)}. This is a plan limit, not a token problem; the rest of the diagnosis does not need it.`,
        evidence,
      });
    case 'budget':
      return finding({
        code: 'cloudflare.budget_spent',
        severity: 'info',
        title: `${capitalise(error.operation)} not read (API call budget)`,
        detail: `${capitalise(error.message)}; the reads that explain the most went first.`,
        evidence,
      });
    case 'rate_limited':
      if (error.retryAfterSeconds !== undefined) evidence.retryAfterSeconds = error.retryAfterSeconds;
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

function authFinding(error: CloudflareApiError, evidence: ApiErrorEvidence): Finding {
  if (error.codes?.length) evidence.codes = error.codes;
  if (error.tokenRejected) {
    evidence.tokenRejected = true;
    const malformed = error.codes?.some((c) => c === 6003 || c === 6111 || (c >= 6100 && c <= 6103));
    if (malformed) evidence.malformed = true;
    return finding({
      code: 'cloudflare.auth_failed',
      severity: 'warn',
      title: malformed ? 'Cloudflare cannot parse the API token' : 'Cloudflare rejected the API token',
      detail: malformed
        ? `Cloudflare answered HTTP ${error.status ?? 400} "Invalid format for Authorization header" while reading ${error.operation}: CLOUDFLARE_API_TOKEN is not an API token as Cloudflare expects it (a Global API Key, quotes, a "Bearer " prefix or a line break pasted with it). The rest of the diagnosis ran without the API.`
        : `Cloudflare rejected the API token (HTTP ${error.status ?? '?'}: ${error.message}) while reading ${error.operation}: it is invalid, expired, disabled or revoked. The rest of the diagnosis ran without the API.`,
      evidence,
    });
  }
  if (error.permission !== undefined) evidence.permission = error.permission;
  if (error.permissionScope !== undefined) evidence.permissionScope = error.permissionScope;
  const account =
    error.permissionScope === 'account'
      ? " It is an account permission: the token's Account Resources must include the account that owns this zone."
      : '';
  return finding({
    code: 'cloudflare.auth_failed',
    severity: 'warn',
    title: `The API token cannot read ${error.operation}`,
    detail: `The API token lacks a permission: reading ${error.operation} needs "${error.permission ?? 'read access'}" (${error.message}).${account} That part of the diagnosis was skipped.`,
    evidence,
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One finding per code and operation, so a token without a permission is not reported four times. */
export function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${String(anyEvidence(f).operation ?? '')}|${f.title}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
