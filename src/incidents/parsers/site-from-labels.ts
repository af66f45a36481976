// Finds the site an alert is about in its labels. Monitoring labels hold hostnames in many forms
// (`shop.example.com:443`, `https://shop.example.com/health`); parseSite normalises them all and
// refuses IP addresses, which are node exporters rather than sites behind Cloudflare.
import { parseSite } from '../../diagnosis/target.js';

/** Checked in order: the most specific names first. */
export const SITE_LABELS = ['site', 'hostname', 'host', 'url', 'instance', 'target', 'domain'] as const;

export type SiteResult = { ok: true; site: string } | { ok: false; reason: string };

export function siteFromLabels(...sources: Array<Record<string, string> | undefined>): SiteResult {
  let firstProblem: string | undefined;
  for (const name of SITE_LABELS) {
    for (const source of sources) {
      const raw = source?.[name];
      if (raw === undefined || raw.trim() === '') continue;
      const result = siteFromText(raw);
      if (result.ok) return result;
      firstProblem ??= `label ${name}: ${result.reason}`;
    }
  }
  return { ok: false, reason: firstProblem ?? `no site label (${SITE_LABELS.join(', ')})` };
}

/**
 * Names that never resolve on the public internet (RFC 6762 `.local`, ICANN's `.internal`,
 * `home.arpa`, and the suffixes networks commonly use inside): a monitor's label for a machine on
 * the LAN, never a site Cloudflare proxies. Diagnosing one would only post a failing thread.
 */
const PRIVATE_SUFFIX =
  /\.(local|internal|lan|localdomain|localhost|home\.arpa|home|corp|intranet|private|invalid|onion)$/i;

/**
 * In a storm the same few labels arrive thousands of times a second, and the answer depends on the
 * text alone: remembered (frozen, shared) for short labels, forgotten all at once when full.
 */
const remembered = new Map<string, SiteResult>();
const REMEMBER_MAX = 1000;
const REMEMBER_MAX_LENGTH = 256;

export function siteFromText(raw: string): SiteResult {
  const known = remembered.get(raw);
  if (known) return known;
  const result = Object.freeze(readSite(raw));
  if (raw.length <= REMEMBER_MAX_LENGTH) {
    if (remembered.size >= REMEMBER_MAX) remembered.clear();
    remembered.set(raw, result);
  }
  return result;
}

function readSite(raw: string): SiteResult {
  const parsed = parseSite(raw);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const host = parsed.target.host;
  if (PRIVATE_SUFFIX.test(host))
    return { ok: false, reason: `${host} is a private name, not a site on the public internet` };
  return { ok: true, site: host };
}
