// For a host without an address record of its own: the wildcard records that could answer
// (`name.exact` never returns them: one read of the zone's `*.` names), then — only when names lie
// between the host and the wildcard's parent (or the nameservers treat empty non-terminals
// strictly) — one read of the records at and below the topmost of them, to see whether one stops
// the wildcard. At most two calls; the choice itself is wildcard-match.ts.
import type { CfDnsRecord, CfZone, CloudflareReader } from '../../cloudflare-reader.js';
import {
  closestWildcard,
  nameToCheck,
  strictWildcards,
  type WildcardBlock,
  wildcardBlock,
} from './wildcard-match.js';

export interface WildcardOutcome {
  /** The wildcard's records, when it answers for the host. */
  records?: CfDnsRecord[];
  /** The wildcard name that answers (`*.example.com`). */
  wildcard?: string;
  /** A wildcard that would have answered, and what stops it. */
  blocked?: { wildcard: string; by: WildcardBlock; strict: boolean };
  /** The wildcard that wins has no A, AAAA or CNAME (e.g. a TXT alone). */
  noAddress?: { wildcard: string; types: string[] };
  /** A read that failed (reported by the caller as an API finding). */
  failure?: unknown;
}

export async function lookUpWildcard(
  cf: CloudflareReader,
  zone: CfZone,
  host: string,
  own: readonly CfDnsRecord[],
  signal: AbortSignal,
): Promise<WildcardOutcome> {
  let wild: CfDnsRecord[];
  try {
    wild = await cf.wildcardRecords(zone.id, host, signal);
  } catch (failure) {
    return { failure };
  }
  const choice = closestWildcard(host, wild);
  if (!choice) return {};
  const strict = strictWildcards(zone.nameServers);
  if (own.length > 0) {
    // The host has records of its own (none an address): the wildcard never answers for it.
    const by = { name: host.toLowerCase(), types: [...new Set(own.map((r) => r.type))] };
    return { blocked: { wildcard: choice.name, by, strict } };
  }
  const check = nameToCheck(host, choice, strict);
  if (check !== undefined) {
    let under: CfDnsRecord[];
    try {
      under = await cf.recordsUnder(zone.id, check, signal);
    } catch (failure) {
      return { failure };
    }
    const by = wildcardBlock(host, choice, under, strict);
    if (by) return { blocked: { wildcard: choice.name, by, strict } };
  }
  const address = choice.records.filter((r) => r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME');
  if (address.length === 0) {
    return { noAddress: { wildcard: choice.name, types: [...new Set(choice.records.map((r) => r.type))] } };
  }
  return { records: address, wildcard: choice.name };
}

/** Words for a wildcard that does not answer, for the dns.record_missing finding. */
export function wildcardMiss(host: string, outcome: WildcardOutcome): string | undefined {
  if (outcome.blocked) {
    const { wildcard, by, strict } = outcome.blocked;
    if (by.types.length === 0) {
      return `The wildcard ${wildcard} does not answer for it: ${by.name} has no record of its own but has ${by.below} below it, and on Foundation DNS advanced nameservers such an empty non-terminal stops a wildcard.`;
    }
    const at =
      by.name === host.toLowerCase()
        ? `${host} has its own ${by.types.join(', ')} record`
        : `${by.name} has a ${by.types.join(', ')} record`;
    return `The wildcard ${wildcard} does not answer for it: ${at}, and a record at a name stops every wildcard above it for that name and everything below it${strict ? '' : ' (Cloudflare DNS, RFC 4592)'}.`;
  }
  if (outcome.noAddress) {
    return `The most specific wildcard, ${outcome.noAddress.wildcard}, has only ${outcome.noAddress.types.join(', ')} records, so it answers no address (and no wider wildcard takes over).`;
  }
  return undefined;
}
