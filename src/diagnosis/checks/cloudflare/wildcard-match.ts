// Which wildcard record, if any, answers for a host that has no address record of its own — the
// way Cloudflare's nameservers decide it:
// - the most specific wildcard wins: `*.b.example.com` over `*.example.com` for `a.b.example.com`;
// - a record of ANY type at the host, or at a name between the host and the wildcard's parent,
//   stops the wildcard for that name and everything below it ("a specific record on any equal or
//   lower level will terminate anything on or below this specific record",
//   developers.cloudflare.com/dns/manage-dns-records/reference/wildcard-dns-records/; RFC 4592
//   closest encloser), and no less specific wildcard takes over;
// - the winning wildcard name must itself have an A, AAAA or CNAME (a `*.x TXT` alone answers no
//   address);
// - an empty non-terminal (a name with no record but with records below it) does NOT stop a wildcard
//   on Cloudflare's standard nameservers, but does on Foundation DNS advanced nameservers
//   (developers.cloudflare.com/dns/foundation-dns/setup/, "Differences from standard nameservers").
// Pure: the reads are made by the check (src/diagnosis/checks/cloudflare/wildcard-lookup.ts).
import type { CfDnsRecord } from '../../cloudflare-reader.js';

export interface WildcardChoice {
  /** `*.b.example.com` */
  name: string;
  /** `b.example.com` */
  parent: string;
  /** Every record of that wildcard name (any type). */
  records: CfDnsRecord[];
  /** Names strictly between the host and the parent, nearest the parent first. */
  between: string[];
}

export interface WildcardBlock {
  /** The name whose existence stops the wildcard (the host itself, or a name above it). */
  name: string;
  /** Its record types; empty for an empty non-terminal. */
  types: string[];
  /** Present for an empty non-terminal: a record below it. */
  below?: string;
}

const lower = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** The most specific wildcard whose parent is an ancestor of `host` (before any blocking). */
export function closestWildcard(host: string, wildcards: readonly CfDnsRecord[]): WildcardChoice | undefined {
  const h = lower(host);
  let best: string | undefined;
  for (const r of wildcards) {
    const name = lower(r.name);
    if (!name.startsWith('*.')) continue;
    const parent = name.slice(2);
    if (!h.endsWith(`.${parent}`)) continue;
    if (best === undefined || name.length > best.length) best = name;
  }
  if (best === undefined) return undefined;
  const parent = best.slice(2);
  const labels = h.slice(0, -(parent.length + 1)).split('.');
  // a.b.c + parent: between = [c.parent, b.c.parent] (the host, a.b.c.parent, excluded).
  const between: string[] = [];
  for (let i = labels.length - 1; i >= 1; i--) between.push(`${labels.slice(i).join('.')}.${parent}`);
  return { name: best, parent, records: wildcards.filter((r) => lower(r.name) === best), between };
}

/**
 * The name to read below to know whether something stops `choice`: the topmost name between the
 * host and the wildcard's parent; the host itself when nothing is between (then only empty
 * non-terminals matter, so standard nameservers need no read at all: undefined).
 */
export function nameToCheck(host: string, choice: WildcardChoice, strict: boolean): string | undefined {
  const top = choice.between[0];
  if (top) return top;
  return strict ? lower(host) : undefined;
}

/** What stops `choice` for `host`, given every record at or below `nameToCheck`. */
export function wildcardBlock(
  host: string,
  choice: WildcardChoice,
  under: readonly CfDnsRecord[],
  strict: boolean,
): WildcardBlock | undefined {
  const h = lower(host);
  const path = [...choice.between, h];
  for (const name of path) {
    const own = under.filter((r) => lower(r.name) === name);
    if (own.length > 0) return { name, types: [...new Set(own.map((r) => r.type))] };
    if (!strict) continue;
    const below = under.find((r) => lower(r.name).endsWith(`.${name}`));
    if (below) return { name, types: [], below: lower(below.name) };
  }
  return undefined;
}

/** Foundation DNS advanced nameservers (`*.foundationdns.com|net|org`) follow RFC 4592 on empty non-terminals. */
export function strictWildcards(nameServers: readonly string[]): boolean {
  return nameServers.some((ns) => /\.foundationdns\.(com|net|org)\.?$/i.test(ns));
}
