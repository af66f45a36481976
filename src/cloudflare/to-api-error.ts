// Maps whatever the SDK (or fetch underneath it) threw into the core's CloudflareApiError, so the
// checks deal with five kinds, not twenty classes. The token never appears: messages come from the
// API's error bodies and the SDK's generic texts only, clipped.
import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'cloudflare';
import { CloudflareApiError } from '../diagnosis/cloudflare-reader.js';

export interface Operation {
  /** What was being read, for humans: "DNS records". */
  name: string;
  /** The token permission this read needs: "DNS:Read". */
  permission: string;
}

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
    if (status === undefined) {
      return new CloudflareApiError({
        kind: 'unavailable',
        operation: op.name,
        message: `could not reach the API while reading ${op.name}: ${clip(causeOf(error))}`,
      });
    }
    if (status === 401 || status === 403) {
      return new CloudflareApiError({
        kind: 'auth',
        operation: op.name,
        status,
        permission: op.permission,
        message: `the API refused to read ${op.name} (HTTP ${status}${bodyText ? `: ${bodyText}` : ''})`,
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

function describeErrors(errors: unknown): string {
  if (!Array.isArray(errors)) return '';
  const parts = errors.slice(0, 3).flatMap((e) => {
    if (typeof e !== 'object' || e === null) return [];
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof message !== 'string') return [];
    return [typeof code === 'number' ? `${code} ${message}` : message];
  });
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
