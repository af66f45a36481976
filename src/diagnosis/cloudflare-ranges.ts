// Cloudflare's published edge ranges and a pure CIDR matcher, so public DNS answers can be told
// apart from "not proxied" without the API. Callers pass the API's live `/ips` answer when they
// have it; the bundled copy is the fallback.
//
// Source: https://www.cloudflare.com/ips-v4 and https://www.cloudflare.com/ips-v6 (the same list
// `GET /client/v4/ips` returns), as mirrored on 2024-06-25; the list has been unchanged since 2021.

export interface CloudflareRanges {
  ipv4: readonly string[];
  ipv6: readonly string[];
}

export const CLOUDFLARE_RANGES: CloudflareRanges = {
  ipv4: [
    '173.245.48.0/20',
    '103.21.244.0/22',
    '103.22.200.0/22',
    '103.31.4.0/22',
    '141.101.64.0/18',
    '108.162.192.0/18',
    '190.93.240.0/20',
    '188.114.96.0/20',
    '197.234.240.0/22',
    '198.41.128.0/17',
    '162.158.0.0/15',
    '104.16.0.0/13',
    '104.24.0.0/14',
    '172.64.0.0/13',
    '131.0.72.0/22',
  ],
  ipv6: [
    '2400:cb00::/32',
    '2606:4700::/32',
    '2803:f800::/32',
    '2405:b500::/32',
    '2405:8100::/32',
    '2a06:98c0::/29',
    '2c0f:f248::/32',
  ],
};

/** True when `ip` (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of the ranges. */
export function isCloudflareAddress(ip: string, ranges: CloudflareRanges = CLOUDFLARE_RANGES): boolean {
  const address = parseAddress(ip);
  if (!address) return false;
  const list = address.family === 4 ? ranges.ipv4 : ranges.ipv6;
  return list.some((cidr) => {
    const range = parseRange(cidr);
    return range !== undefined && range.family === address.family && inRange(address.value, range);
  });
}

interface Parsed {
  family: 4 | 6;
  value: bigint;
}

interface Range extends Parsed {
  bits: number;
}

function inRange(value: bigint, range: Range): boolean {
  const width = range.family === 4 ? 32 : 128;
  const shift = BigInt(width - range.bits);
  return value >> shift === range.value >> shift;
}

function parseRange(text: string): Range | undefined {
  const [address = '', prefix] = text.trim().split('/');
  const parsed = parseAddress(address, false);
  if (!parsed) return undefined;
  const max = parsed.family === 4 ? 32 : 128;
  const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return undefined;
  return { ...parsed, bits };
}

/** Parses a literal; IPv4-mapped IPv6 folds to IPv4 unless `foldMapped` is false. */
function parseAddress(input: string, foldMapped = true): Parsed | undefined {
  let text = input.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  if (!text.includes(':')) {
    const v4 = parseV4(text);
    return v4 === undefined ? undefined : { family: 4, value: v4 };
  }
  const v6 = parseV6(text);
  if (v6 === undefined) return undefined;
  if (foldMapped && v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  let body = text;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseV4(tail);
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}
