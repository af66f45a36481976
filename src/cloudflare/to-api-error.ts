// Maps whatever the SDK (or fetch underneath it) threw into the core's CloudflareApiError, so the
// checks deal with five kinds, not twenty classes. The token never appears: messages come from the
// API's error bodies and the SDK's generic texts only, clipped.
import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'cloudflare';
import { CloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import type { CfPermission } from '../diagnosis/cloudflare-permissions.js';

export interface Operation {
  /** What was being read, for humans: "DNS records". */
  name: string;
  /** The token permission this read needs (none for public reads such as /ips). */
  permission?: CfPermission;
}

/**
 * Error codes that say the token itself is unusable, whatever the status: 6003 "Invalid request
 * headers" with 6111 "Invalid format for Authorization header" (a Global API Key or a quoted token
 * pasted as a token: HTTP 400), 6100-6103 (malformed auth headers), 1000 "Invalid API Token"
 * (/user/tokens/verify, 401). 9109 is "Invalid access token" for a well-formed unknown token (403)
 * but also "Unauthorized to access requested resource": the message decides. 10000
 * "Authentication error" is what a valid token without the permission gets (403).
 * Sources: cloudflare/terraform-provider-cloudflare#1533; kissgyorgy/cloudflare-dyndns#40;
 * Ultimate-Multisite/ultimate-multisite#73; third-party recordings of live answers (see the fake).
 */
const MALFORMED = new Set([6003, 6100, 6101, 6102, 6103, 6111]);
const INVALID_TOKEN = /invalid (api |access )?token|token (is )?(expired|disabled|revoked)|malformed/i;

export function toApiError(error: unknown, op: Operation): CloudflareApiError {
  if (error instanceof CloudflareApiError) return error;
  if (error instanceof APIUserAbortError) {
    return new CloudflareApiError({
      kind: 'unavailable',
      operation: op.name,
      message: `reading ${op.name} was cut off by the diagnosis budget`,
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new CloudflareApiError({
      kind: 'unavailable',
      operation: op.name,
      message: `the API did not answer in time while reading ${op.name}`,
    });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const bodyText = describeErrors(error.errors);
    const codes = errorCodes(error.errors);
    if (status === undefined) {
      return new CloudflareApiError({
        kind: 'unavailable',
        operation: op.name,
        message: `could not reach the API while reading ${op.name}: ${clip(causeOf(error))}`,
      });
    }
    const malformed = codes.some((c) => MALFORMED.has(c));
    if (status === 401 || status === 403 || malformed || (status === 400 && codes.includes(10000))) {
      const tokenRejected =
        malformed ||
        codes.includes(1000) ||
        INVALID_TOKEN.test(bodyText) ||
        (status === 401 && codes.length === 0);
      return new CloudflareApiError({
        kind: 'auth',
        operation: op.name,
        status,
        codes,
        tokenRejected,
        ...(op.permission ? { permission: op.permission.name, permissionScope: op.permission.scope } : {}),
        message: malformed
          ? `the API could not parse the token while reading ${op.name} (HTTP ${status}${bodyText ? `: ${bodyText}` : ''})`
          : `the API refused to read ${op.name} (HTTP ${status}${bodyText ? `: ${bodyText}` : ''})`,
      });
    }
    if (status === 429) {
      const retryAfter = retryAfterSeconds(error.headers);
      const init = {
        kind: 'rate_limited' as const,
        operation: op.name,
        status,
        message: `the API rate limit was reached while reading ${op.name}${retryAfter !== undefined ? ` (retry after ${retryAfter} s)` : ''}`,
      };
      return new CloudflareApiError(
        retryAfter === undefined ? init : { ...init, retryAfterSeconds: retryAfter },
      );
    }
    if (status === 404) {
      return new CloudflareApiError({
        kind: 'not_found',
        operation: op.name,
        status,
        message: `${op.name}: not found${bodyText ? ` (${bodyText})` : ''}`,
      });
    }
    if (status >= 500 || status === 408) {
      return new CloudflareApiError({
        kind: 'unavailable',
        operation: op.name,
        status,
        message: `the API answered HTTP ${status} while reading ${op.name}`,
      });
    }
    return new CloudflareApiError({
      kind: 'invalid',
      operation: op.name,
      status,
      message: `the API rejected the request for ${op.name} (HTTP ${status}${bodyText ? `: ${bodyText}` : ''})`,
    });
  }
  return new CloudflareApiError({
    kind: 'unavailable',
    operation: op.name,
    message: `reading ${op.name} failed: ${clip(error instanceof Error ? error.message : String(error))}`,
  });
}

/** The errors and their `error_chain` (where 6003 keeps the specific 6111), flattened. */
function flatErrors(errors: unknown): { code?: number; message?: string }[] {
  if (!Array.isArray(errors)) return [];
  return errors.slice(0, 5).flatMap((e) => {
    if (typeof e !== 'object' || e === null) return [];
    const {
      code,
      message,
      error_chain: chain,
    } = e as { code?: unknown; message?: unknown; error_chain?: unknown };
    const self: { code?: number; message?: string } = {};
    if (typeof code === 'number') self.code = code;
    if (typeof message === 'string') self.message = message;
    return [self, ...flatErrors(chain)];
  });
}

function errorCodes(errors: unknown): number[] {
  return flatErrors(errors).flatMap((e) => (e.code === undefined ? [] : [e.code]));
}

function describeErrors(errors: unknown): string {
  const parts = flatErrors(errors).flatMap((e) =>
    e.message === undefined ? [] : [e.code !== undefined ? `${e.code} ${e.message}` : e.message],
  );
  return clip(parts.join('; '));
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('retry-after');
  if (raw == null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 86_400);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.min(86_400, Math.ceil((date - Date.now()) / 1000)));
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const inner = (cause as { cause?: unknown }).cause;
    const innerCode = inner instanceof Error ? (inner as { code?: unknown }).code : undefined;
    return [
      typeof code === 'string' ? code : undefined,
      typeof innerCode === 'string' ? innerCode : undefined,
      cause.message,
    ]
      .filter((x) => x !== undefined)
      .join(' ');
  }
  return error.message;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
