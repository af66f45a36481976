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

export function siteFromText(raw: string): SiteResult {
  const parsed = parseSite(raw);
  return parsed.ok ? { ok: true, site: parsed.target.host } : { ok: false, reason: parsed.reason };
}
