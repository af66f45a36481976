// The only error a CloudflareReader (cloudflare-reader.ts) throws, and its kinds: checks turn it into
// a finding, so what went wrong (token, permission, plan, budget, the API itself) must be told apart.

/**
 * `auth`: the token is rejected or lacks a permission (see `tokenRejected`); `not_entitled`: the
 * plan lacks the dataset or feature (not the token's fault); `budget`: the diagnosis already spent
 * its API calls and this read was not made.
 */
export type CloudflareApiErrorKind =
  | 'auth'
  | 'unavailable'
  | 'rate_limited'
  | 'not_found'
  | 'invalid'
  | 'not_entitled'
  | 'budget';

export interface CloudflareApiErrorInit {
  kind: CloudflareApiErrorKind;
  /** What was being read, e.g. "DNS records". */
  operation: string;
  message: string;
  status?: number;
  /** The token permission the call needs, for `auth`. */
  permission?: string;
  /** Whether that permission is account-scoped (the token must include the zone's account). */
  permissionScope?: 'zone' | 'account';
  /** For `auth`: the token itself is malformed, invalid, expired or revoked (not a missing permission). */
  tokenRejected?: boolean;
  /** The API's error codes, e.g. [6003, 6111] or [10000]. */
  codes?: number[];
  /** Seconds the API asked us to wait, for `rate_limited`. */
  retryAfterSeconds?: number;
}

/** The only error a CloudflareReader throws. Messages never carry the token. */
export class CloudflareApiError extends Error {
  readonly kind: CloudflareApiErrorKind;
  readonly operation: string;
  readonly status?: number;
  readonly permission?: string;
  readonly permissionScope?: 'zone' | 'account';
  readonly tokenRejected?: boolean;
  readonly codes?: number[];
  readonly retryAfterSeconds?: number;

  constructor(init: CloudflareApiErrorInit) {
    super(init.message);
    this.name = 'CloudflareApiError';
    this.kind = init.kind;
    this.operation = init.operation;
    if (init.status !== undefined) this.status = init.status;
    if (init.permission !== undefined) this.permission = init.permission;
    if (init.permissionScope !== undefined) this.permissionScope = init.permissionScope;
    if (init.tokenRejected !== undefined) this.tokenRejected = init.tokenRejected;
    if (init.codes !== undefined) this.codes = init.codes;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isCloudflareApiError(error: unknown): error is CloudflareApiError {
  return error instanceof CloudflareApiError;
}
