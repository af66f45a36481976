// Origin addresses stay out of shared channels. Cloudflare's proxy hides an origin's IP; posting it
// in a public Slack channel or a Discord server undoes that for everyone who can read the channel.
// So what is presented to an audience that is not known to be private (a DM, a private channel,
// the CLI) has its non-Cloudflare IP addresses masked to their network ("203.0.113.x",
// "2001:db8:1::x"), unless CHECK502_SHOW_ORIGIN_ADDRESSES=always. Cloudflare's own edge addresses
// are public and stay. The report itself (--json, the job's result) keeps every address: the
// presentation decides. Every view of a report (report-view.ts, details.ts) takes an Audience, so
// no renderer can show a report without choosing one; free text a renderer adds (incident
// summaries, notes, storm causes) goes through forAudience.
import { isIP } from 'node:net';
import { isCloudflareAddress } from '../diagnosis/cloudflare-ranges.js';

export type ShowOriginAddresses = 'private' | 'always';

/** Who will read what is presented: `shared` hides origin addresses, `private` shows them. */
export type Audience = 'shared' | 'private';

/** The audience of a message posted to `where` under the configured policy; unknown counts as shared. */
export function audienceOf(
  where: { private?: true } | undefined,
  show: ShowOriginAddresses = 'private',
): Audience {
  return show === 'always' || where?.private === true ? 'private' : 'shared';
}

/** `value` (a string, or plain objects and arrays of them) as `audience` may read it. */
export function forAudience<T>(value: T, audience: Audience): T {
  return audience === 'private' ? value : (mask(value) as T);
}

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
