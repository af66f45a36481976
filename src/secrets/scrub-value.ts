// Structure-preserving scrubbing for what leaves the process (reports, chat calls, HTTP answers):
// every string at any depth has the configured secrets replaced; keys, numbers, functions and
// class instances pass through. Unlike the log scrubber it keeps shapes intact, so a report is
// still a report afterwards.
import { redactText, replaceSecretValues } from '../log/redact-text.js';

export interface ScrubOptions {
  /** Also mask token-shaped text nobody configured (Bearer …, xoxb-…, ?token=…). */
  shapes?: boolean;
}

export function scrubValue<T>(value: T, secrets: readonly string[], options: ScrubOptions = {}): T {
  const text = options.shapes
    ? (s: string) => redactText(s, secrets)
    : (s: string) => replaceSecretValues(s, secrets);
  return walk(value, text, new WeakMap()) as T;
}

function walk(value: unknown, text: (s: string) => string, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return text(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(walk(item, text, seen));
    return out;
  }
  // Only plain data is rebuilt; anything with a class (Date, URL, a Buffer, an AbortSignal) is
  // passed as it is, since copying it would break it.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, inner] of Object.entries(value)) out[key] = walk(inner, text, seen);
  return out;
}
