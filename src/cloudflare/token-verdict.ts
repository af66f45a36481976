// What `GET /user/tokens/verify` says of CLOUDFLARE_API_TOKEN, in words: one reading shared by
// `check502 doctor` and the start-up check of serve and worker, so both say the same thing. The
// endpoint needs no permission, so it tells a bad token (malformed, unknown, expired, disabled)
// apart from a good one; a missing permission only shows when a read is refused (403/10000).
// Never throws, and never quotes the token.

import { isCloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import type { CfTokenStatus } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { verifyToken } from './verify-token.js';

/** ok; malformed (400 6003/6111); unknown (401/1000, 403/9109); inactive (expired/disabled); unreachable. */
export type TokenState = 'ok' | 'malformed' | 'unknown' | 'inactive' | 'unreachable';

export interface TokenVerdict {
  state: TokenState;
  /** One sentence: what Cloudflare said. */
  detail: string;
  /** What to do, when something is wrong. */
  fix?: string;
  expiresOn?: string;
}

const MALFORMED_CODES = new Set([6003, 6111, 6100, 6101, 6102, 6103]);

export async function checkToken(api: ApiClient, signal: AbortSignal): Promise<TokenVerdict> {
  try {
    return fromStatus(await verifyToken(api, signal));
  } catch (error) {
    return fromError(error);
  }
}

function fromStatus(status: CfTokenStatus): TokenVerdict {
  if (status.status === 'active') {
    return {
      state: 'ok',
      detail: `the token is valid and active${status.expiresOn ? ` (expires ${status.expiresOn})` : ''}`,
      ...(status.expiresOn ? { expiresOn: status.expiresOn } : {}),
    };
  }
  return {
    state: 'inactive',
    detail: `the token is ${status.status}`,
    fix: 'Roll or re-create the token (My Profile → API Tokens) and set the new value as CLOUDFLARE_API_TOKEN.',
  };
}

function fromError(error: unknown): TokenVerdict {
  if (isCloudflareApiError(error) && error.kind === 'auth') {
    const codes = error.codes ?? [];
    if (codes.some((c) => MALFORMED_CODES.has(c))) {
      return {
        state: 'malformed',
        detail: `Cloudflare cannot parse it (HTTP ${error.status ?? 400}: ${codes.join('/')} "Invalid format for Authorization header"): not an API token`,
        fix: 'Set CLOUDFLARE_API_TOKEN to an API token (40 letters, digits, - or _), not the Global API Key; no quotes, no "Bearer ", no newline.',
      };
    }
    return {
      state: 'unknown',
      detail: `Cloudflare does not know it (HTTP ${error.status ?? '?'}${codes.length ? `, code ${codes.join('/')}` : ''}): invalid, revoked or from another user`,
      fix: 'Create a new API token (My Profile → API Tokens → Create Token) and set it as CLOUDFLARE_API_TOKEN.',
    };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return {
    state: 'unreachable',
    detail: `the token could not be verified: ${reason.slice(0, 200)}`,
    fix: 'Check outbound HTTPS to api.cloudflare.com (or CLOUDFLARE_BASE_URL) and https://www.cloudflarestatus.com.',
  };
}
