// The private-address guard. The bot connects to addresses users name, so by default it refuses
// anything that is not a public unicast address: private, loopback, link-local (cloud metadata),
// CGNAT, multicast, reserved, documentation, and IPv6 forms that smuggle such an IPv4 address in
// (mapped, compatible, NAT64, 6to4). `allowCidrs` (CHECK502_ALLOW_PRIVATE_NETS) opens named ranges.
import type { AddressPolicy, AddressVerdict } from '../diagnosis/ports.js';
import { type Cidr, formatV4, inCidr, type ParsedIp, parseCidr, parseIp } from './ip-bits.js';

interface Rule {
  cidr: Cidr;
  reason: string;
}

function rules(table: ReadonlyArray<readonly [string, string]>): Rule[] {
  return table.map(([text, reason]) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`bad built-in range ${text}`);
    return { cidr, reason };
  });
}

// Most specific first: the first match names the range in the finding.
const V4_RULES = rules([
  ['169.254.169.254/32', 'cloud metadata service (link-local)'],
  ['255.255.255.255/32', 'limited broadcast'],
  ['0.0.0.0/8', '"this network" (0.0.0.0/8), not a destination'],
  ['10.0.0.0/8', 'private network (RFC 1918)'],
  ['100.64.0.0/10', 'carrier-grade NAT shared space (RFC 6598)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private network (RFC 1918)'],
  ['192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', 'documentation range (TEST-NET-1)'],
  ['192.88.99.0/24', 'deprecated 6to4 relay anycast'],
  ['192.168.0.0/16', 'private network (RFC 1918)'],
  ['198.18.0.0/15', 'benchmarking range (RFC 2544)'],
  ['198.51.100.0/24', 'documentation range (TEST-NET-2)'],
  ['203.0.113.0/24', 'documentation range (TEST-NET-3)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (240.0.0.0/4)'],
]);

const V6_RULES = rules([
  ['::/128', 'unspecified address'],
  ['::1/128', 'loopback'],
  ['fd00:ec2::254/128', 'cloud metadata service (AWS IPv6)'],
  ['64:ff9b:1::/48', 'local-use NAT64 (RFC 8215)'],
  ['100::/64', 'discard-only range (RFC 6666)'],
  ['2001::/23', 'IETF protocol assignments (Teredo, ORCHID, benchmarking)'],
  ['2001:db8::/32', 'documentation range'],
  ['3fff::/20', 'documentation range (RFC 9637)'],
  ['5f00::/16', 'SRv6 segment identifiers'],
  ['fc00::/7', 'unique local address (private IPv6)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local (deprecated)'],
  ['ff00::/8', 'multicast'],
]);

const GLOBAL_UNICAST = parseCidr('2000::/3')!;

/** IPv6 ranges whose addresses carry an IPv4 address, and where in the 128 bits it sits. */
const EMBEDDING: ReadonlyArray<{ cidr: Cidr; shift: bigint; name: string }> = [
  { cidr: parseCidr('::ffff:0:0/96')!, shift: 0n, name: 'IPv4-mapped' },
  { cidr: parseCidr('::ffff:0:0:0/96')!, shift: 0n, name: 'IPv4-translated' },
  { cidr: parseCidr('64:ff9b::/96')!, shift: 0n, name: 'NAT64' },
  { cidr: parseCidr('2002::/16')!, shift: 80n, name: '6to4' },
  // IPv4-compatible (deprecated); :: and ::1 themselves are judged as IPv6 above.
  { cidr: parseCidr('::/96')!, shift: 0n, name: 'IPv4-compatible' },
];

export function createAddressPolicy(allowCidrs: readonly string[]): AddressPolicy {
  const allowed = allowCidrs.map((text) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`not a CIDR: "${text}"`);
    return cidr;
  });
  const isAllowed = (ip: ParsedIp): boolean => allowed.some((cidr) => inCidr(ip, cidr));

  return {
    check(input: string): AddressVerdict {
      const ip = parseIp(input);
      if (!ip) return { allowed: false, range: 'invalid', reason: `"${clip(input)}" is not an IP address` };
      if (isAllowed(ip)) return { allowed: true };
      if (ip.family === 4) return judgeV4(ip, isAllowed, '');

      const v6 = V6_RULES.find((rule) => inCidr(ip, rule.cidr));
      if (v6 && v6.cidr.bits === 128) return { allowed: false, range: v6.cidr.text, reason: v6.reason };
      for (const embed of EMBEDDING) {
        if (!inCidr(ip, embed.cidr)) continue;
        const v4: ParsedIp = { family: 4, value: (ip.value >> embed.shift) & 0xffffffffn };
        return judgeV4(v4, isAllowed, `${embed.name} IPv6 address embedding ${formatV4(v4.value)}: `);
      }
      if (v6) return { allowed: false, range: v6.cidr.text, reason: v6.reason };
      if (!inCidr(ip, GLOBAL_UNICAST)) {
        return { allowed: false, range: 'not 2000::/3', reason: 'outside the IPv6 global unicast range' };
      }
      return { allowed: true };
    },
  };
}

function judgeV4(ip: ParsedIp, isAllowed: (ip: ParsedIp) => boolean, prefix: string): AddressVerdict {
  if (isAllowed(ip)) return { allowed: true };
  const rule = V4_RULES.find((candidate) => inCidr(ip, candidate.cidr));
  if (!rule) return { allowed: true };
  return { allowed: false, range: rule.cidr.text, reason: `${prefix}${rule.reason}` };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
