// Origin addresses stay out of shared channels. Cloudflare's proxy hides an origin's IP; posting it
// in a public Slack channel or a Discord server undoes that for everyone who can read the channel.
// So everything a sink is asked to post to a thread that is not known to be private (a DM, a
// private channel) has its non-Cloudflare IP addresses masked to their network ("203.0.113.x",
// "2001:db8:1::x"), unless CHECK502_SHOW_ORIGIN_ADDRESSES=always. Cloudflare's own edge addresses
// are public and stay. The report itself (--json, the job's result) keeps every address: only what
// is rendered into a shared channel changes. A Proxy, so new sink methods are covered too.
import { isIP } from 'node:net';
import { isCloudflareAddress } from '../diagnosis/cloudflare-ranges.js';
import type { ChatSink, Platform, ReplyTarget, ThreadRef } from './sink.js';

export type ShowOriginAddresses = 'private' | 'always';

const V4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/g;
// Candidates only; each is confirmed with isIP (times like 04:52:38 and hex ids are not addresses).
const V6 = /(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Za-z:])/g;

/** `text` with every non-Cloudflare IP address masked to its network. */
export function maskOriginAddresses(text: string): string {
  return text
    .replace(V4, (ip, a: string, b: string, c: string) =>
      isIP(ip) === 4 && !isCloudflareAddress(ip) ? `${a}.${b}.${c}.x` : ip,
    )
    .replace(V6, (ip) => {
      if (isIP(ip) !== 6 || isCloudflareAddress(ip)) return ip;
      const groups = ip.split(':').filter((g) => g !== '');
      return `${groups.slice(0, 3).join(':')}::x`;
    });
}

function mask(value: unknown, seen = new WeakMap<object, unknown>()): unknown {
  if (typeof value === 'string') return maskOriginAddresses(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(mask(item, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, inner] of Object.entries(value)) out[key] = mask(inner, seen);
  return out;
}

function isWhere(value: unknown): value is ThreadRef | ReplyTarget {
  return typeof value === 'object' && value !== null && 'platform' in value && 'channel' in value;
}

export function addressHidingSink<S extends ChatSink>(sink: S, show: ShowOriginAddresses): S {
  if (show === 'always') return sink;
  return new Proxy(sink, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const where = args.find(isWhere);
        // Unknown audience counts as shared: hiding by mistake costs a lookup, showing costs the origin.
        const shared = where !== undefined && where.private !== true;
        const out = (value as (...a: unknown[]) => unknown).apply(
          target,
          shared ? args.map((arg) => (isWhere(arg) || typeof arg === 'function' ? arg : mask(arg))) : args,
        );
        // A new thread remembers its audience, so every later post to it is rendered alike.
        if (key === 'startThread' && where?.private === true && out instanceof Promise)
          return out.then((thread: unknown) => (isWhere(thread) ? { ...thread, private: true } : thread));
        return out;
      };
    },
  });
}

export function addressHidingSinks(
  sinks: Partial<Record<Platform, ChatSink>>,
  show: ShowOriginAddresses,
): Partial<Record<Platform, ChatSink>> {
  const out: Partial<Record<Platform, ChatSink>> = {};
  for (const [platform, sink] of Object.entries(sinks) as [Platform, ChatSink][]) {
    out[platform] = addressHidingSink(sink, show);
  }
  return out;
}
