// Deep redaction of what a log line carries: values under sensitive keys are replaced at any depth,
// strings are passed through redactText, errors become plain objects (their message and stack
// scrubbed too). Bounded in depth, width and cycles so a hostile payload cannot stall logging.
import { REDACTED, redactText } from './redact-text.js';

/** Keys whose values are credentials, compared lower-cased with `-` and `_` removed. */
const SENSITIVE_KEYS = new Set(
  [
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-slack-signature',
    'x-signature-ed25519',
    'cf-webhook-auth',
    'x-webhook-secret',
    'x-check502-secret',
    'token',
    'access_token',
    'refresh_token',
    'bot_token',
    'botToken',
    'appToken',
    'apiToken',
    'api_key',
    'apiKey',
    'signingSecret',
    'signing_secret',
    'webhookSecret',
    'secret',
    'password',
    'response_url',
    'responseUrl',
    'webhook_url',
    'webhookUrl',
    'privateKey',
  ].map(normalise),
);

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(normalise(key));
}

const MAX_DEPTH = 8;
const MAX_KEYS = 200;

export function scrub(value: unknown, secrets: readonly string[]): unknown {
  return walk(value, secrets, 0, new WeakSet());
}

function walk(value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (value instanceof Error) return walkError(value, secrets, depth, seen);
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (value instanceof Date) return value;
  if (value instanceof URL) return redactText(value.href, secrets);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_KEYS).map((item) => walk(item, secrets, depth + 1, seen));
    if (value.length > MAX_KEYS) items.push(`[${value.length - MAX_KEYS} more]`);
    return items;
  }
  if (value instanceof Map) return walk(Object.fromEntries(value), secrets, depth, seen);
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const key of Object.keys(value)) {
    if (++count > MAX_KEYS) {
      out['…'] = 'more keys left out';
      break;
    }
    const inner = (value as Record<string, unknown>)[key];
    out[key] =
      isSensitiveKey(key) && inner !== undefined && inner !== null && inner !== ''
        ? REDACTED
        : walk(inner, secrets, depth + 1, seen);
  }
  return out;
}

function walkError(error: Error, secrets: readonly string[], depth: number, seen: WeakSet<object>) {
  const out: Record<string, unknown> = {
    type: error.name,
    message: redactText(error.message, secrets),
  };
  if (error.stack) out['stack'] = redactText(error.stack, secrets);
  // Own enumerable fields (code, status, request details) go through the same rules.
  for (const key of Object.keys(error)) {
    if (key in out) continue;
    const inner = (error as unknown as Record<string, unknown>)[key];
    out[key] = isSensitiveKey(key) ? REDACTED : walk(inner, secrets, depth + 1, seen);
  }
  if (error.cause !== undefined) out['cause'] = walk(error.cause, secrets, depth + 1, seen);
  return out;
}
