// Public DNS: does the site's name resolve for visitors, and to Cloudflare's edge? A name that
// does not resolve (NXDOMAIN, SERVFAIL — often DNSSEC —, silence) explains every other symptom; a
// public answer with a private address can never work; an answer outside Cloudflare's ranges means
// Cloudflare is not in the path (only info here: without the API we cannot tell it should be).
import type { Check } from '../../check.js';
import { isCloudflareAddress } from '../../cloudflare-ranges.js';
import type { PublicDnsFacts } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import type { AddressPolicy, DnsAnswer } from '../../ports.js';

export const publicDnsCheck: Check<'publicDns'> = {
  name: 'publicDns',
  async run({ target, ports, signal }) {
    const answer = await ports.resolver.resolve(target.host, signal);
    const facts: PublicDnsFacts = { answer };
    if (answer.addresses.length === 0) {
      return { status: 'failed', facts, findings: [resolutionFailed(answer)] };
    }
    const findings: Finding[] = [];
    const { guarded, open } = splitByPolicy(answer.addresses, ports.addresses);
    for (const item of guarded) findings.push(privateAddress(answer, item));
    if (open.length > 0) findings.push(resolved(answer, open));
    return { status: guarded.length > 0 ? 'failed' : 'passed', facts, findings };
  },
};

interface Guarded {
  address: string;
  range: string;
  reason: string;
}

function splitByPolicy(addresses: string[], policy: AddressPolicy): { guarded: Guarded[]; open: string[] } {
  const guarded: Guarded[] = [];
  const open: string[] = [];
  for (const address of addresses) {
    const verdict = policy.check(address);
    if (verdict.allowed) open.push(address);
    else guarded.push({ address, range: verdict.range, reason: verdict.reason });
  }
  return { guarded, open };
}

function resolved(answer: DnsAnswer, open: string[]): Finding {
  const onCloudflare = open.filter((ip) => isCloudflareAddress(ip));
  const others = open.filter((ip) => !onCloudflare.includes(ip));
  const evidence = {
    host: answer.host,
    addresses: answer.addresses,
    cnames: answer.cnames,
    cloudflareAddresses: onCloudflare,
    otherAddresses: others,
    allCloudflare: others.length === 0,
    resolvers: answer.resolvers,
  };
  const via = answer.cnames.length > 0 ? ` via ${answer.cnames.join(' → ')}` : '';
  if (others.length === 0) {
    return finding({
      code: 'dns.public_ok',
      severity: 'ok',
      title: `${answer.host} resolves to Cloudflare's edge`,
      detail: `Public DNS answers ${list(open)}${via}: all in Cloudflare's published ranges, so visitors reach Cloudflare.`,
      evidence,
    });
  }
  const what =
    onCloudflare.length === 0
      ? `${open.length === 1 ? 'not' : 'none of them'} in Cloudflare's published ranges, so requests do not pass through Cloudflare unless the record is proxied and DNS has not caught up`
      : `${list(others)} outside Cloudflare's published ranges, so some visitors bypass Cloudflare`;
  return finding({
    code: 'dns.public_ok',
    severity: 'info',
    title:
      onCloudflare.length === 0
        ? `${answer.host} resolves, but not to Cloudflare's edge`
        : `${answer.host} resolves partly outside Cloudflare's edge`,
    detail: `Public DNS answers ${list(open)}${via}: ${what}. This is expected for a DNS-only (grey-cloud) record.`,
    evidence,
  });
}

const FAILURES: Record<string, (host: string) => string> = {
  ENOTFOUND: (host) => `${host} does not exist in public DNS (NXDOMAIN)`,
  ENODATA: (host) => `${host} has no A or AAAA record in public DNS`,
  ESERVFAIL: (host) => `Public DNS fails for ${host} (SERVFAIL)`,
  ETIMEOUT: (host) => `Public resolvers did not answer for ${host}`,
  EREFUSED: (host) => `The resolver refused to answer for ${host}`,
  ECONNREFUSED: (host) => `The resolver could not be contacted to look up ${host}`,
};

function resolutionFailed(answer: DnsAnswer): Finding {
  const code = answer.error?.code ?? 'ENODATA';
  const last = answer.cnames.at(-1);
  const dangling = last !== undefined && code === 'ENOTFOUND';
  const title = dangling
    ? `${answer.host} is a CNAME to ${last}, which does not resolve`
    : (FAILURES[code]?.(answer.host) ?? `Public DNS lookup of ${answer.host} failed (${code})`);
  const asked =
    answer.resolvers.length > 0 ? `Asked ${answer.resolvers.join(', ')}` : 'Asked the system resolvers';
  return finding({
    code: 'dns.public_resolution_failed',
    severity: 'error',
    title,
    detail: `${asked}: ${answer.error?.message ?? 'no addresses'}. Visitors cannot reach the site at all while the name does not resolve.`,
    evidence: {
      host: answer.host,
      errorCode: code,
      error: answer.error?.message ?? null,
      cnames: answer.cnames,
      danglingCname: dangling ? last : null,
      resolvers: answer.resolvers,
    },
  });
}

function privateAddress(answer: DnsAnswer, item: Guarded): Finding {
  return finding({
    code: 'dns.public_private_address',
    severity: 'warn',
    title: `Public DNS gives ${answer.host} a private address: ${item.address}`,
    detail: `${item.address} is in ${item.range} (${item.reason}). Neither visitors nor Cloudflare can reach it, and check502 does not probe it.`,
    evidence: {
      host: answer.host,
      address: item.address,
      range: item.range,
      reason: item.reason,
      cnames: answer.cnames,
      resolvers: answer.resolvers,
    },
  });
}

function list(items: readonly string[]): string {
  return items.length <= 4
    ? items.join(', ')
    : `${items.slice(0, 4).join(', ')} and ${items.length - 4} more`;
}
