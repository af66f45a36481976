// Every chat post goes out through this wrapper: each argument of each sink call (the report, the
// findings, notes, whatever a later method adds) has the configured secret values replaced before
// the platform's sink renders and sends it. A Proxy rather than a hand-written decorator, so a new
// ChatSink method cannot be added without passing through it. Only configured values are replaced
// here (not token shapes): reply targets carry response URLs and interaction tokens the sink needs.
import { scrubValue } from '../secrets/scrub-value.js';
import type { ChatSink, Platform } from './sink.js';

const SCRUBBED = Symbol('check502.scrubbed');

export function scrubbingSink<S extends ChatSink>(sink: S, secrets: readonly string[]): S {
  if ((sink as unknown as Record<symbol, unknown>)[SCRUBBED] === true || secrets.length === 0) return sink;
  return new Proxy(sink, {
    get(target, key, receiver) {
      if (key === SCRUBBED) return true;
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        (value as (...a: unknown[]) => unknown).apply(
          target,
          args.map((arg) => scrubValue(arg, secrets)),
        );
    },
  });
}

export function scrubbingSinks(
  sinks: Partial<Record<Platform, ChatSink>>,
  secrets: readonly string[],
): Partial<Record<Platform, ChatSink>> {
  const out: Partial<Record<Platform, ChatSink>> = {};
  for (const [platform, sink] of Object.entries(sinks) as [Platform, ChatSink][]) {
    out[platform] = scrubbingSink(sink, secrets);
  }
  return out;
}
