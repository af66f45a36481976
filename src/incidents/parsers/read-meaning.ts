// Reads uptime monitors' payloads by meaning rather than by one example: field names differ in case
// and shape between versions and templates (Datadog and Checkly bodies are written by the user), so a
// parser names the fields it expects first and then falls back to what any such payload says — a URL
// or hostname in a URL-like field, a `site:`/`host:` tag, a hostname in the title — and reads status
// words ("Down", "Triggered", "ALERT_RECOVERY", "Resolved") rather than one sender's exact enum.
import type { AlertStatus } from '../alert.js';
import { isObject, type JsonObject } from './json-shape.js';
import { type SiteResult, siteFromText } from './site-from-labels.js';

/** Value at a dotted path; keys compare case-insensitively and ignoring `_`/`-`. */
export function pick(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    if (part in current) {
      current = current[part];
      continue;
    }
    const want = norm(part);
    const key = Object.keys(current).find((k) => norm(k) === want);
    current = key === undefined ? undefined : current[key];
  }
  return current;
}

/** A string or number at the path, trimmed; undefined when empty or an unfilled template (`*x*`, `$X`). */
export function pickText(value: unknown, ...paths: string[]): string | undefined {
  for (const path of paths) {
    const found = pick(value, path);
    const text = typeof found === 'number' && Number.isFinite(found) ? String(found) : found;
    if (typeof text !== 'string') continue;
    const trimmed = text.trim();
    if (trimmed === '' || isUnfilledTemplate(trimmed)) continue;
    return trimmed;
  }
  return undefined;
}

function norm(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** `*monitorURL*` (UptimeRobot), `$HOSTNAME` (Datadog), `{{CHECK_NAME}}` (Checkly) left as typed. */
function isUnfilledTemplate(text: string): boolean {
  return /^\*[A-Za-z]+\*$/.test(text) || /^\$[A-Z_]+$/.test(text) || /^\{\{\{?[\w .]+\}?\}\}$/.test(text);
}

export type StatusMeaning = AlertStatus | 'ignore';

// "unacknowledged" must not read as "acknowledged", nor "unhealthy" as "healthy" (\b keeps them apart).
const FIRING =
  /\b(un-?acknowledged|re-?triggered|re-?opened|re-?notify|renotified|unhealthy|down|firing|fired|triggered|trigger|alerting|alert|critical|crit|error|errored|failure|failed|failing|fail|problem|started|start|open|opened|outage|unreachable|degraded|warn|warning|no data)\b/;
const RESOLVED =
  /\b(up|ok|resolved|resolve|recovered|recovery|success|succeeded|successful|healthy|closed|normal|cleared|clear|passing|passed|restored|back)\b/;
const IGNORED = /\b(acknowledged|ack|pending|maintenance|paused|snoozed|muted|annotated)\b/;
/** A recovery is a recovery whatever it recovered from ("degraded recovery", "recovered from down"). */
const STRONG_RESOLVED = /\b(resolved|recovered|recovery)\b/;

/**
 * What a status word or short phrase means: `Down`, `ALERT_RECOVERY`, `incident.resolved`,
 * `Triggered on {host:x}`. Else the first meaningful word wins. Undefined when it says nothing known.
 */
export function statusFromWords(text: string | undefined): StatusMeaning | undefined {
  if (text === undefined) return undefined;
  const words = text
    .toLowerCase()
    .replace(/^alert_/, '')
    .replace(/[_.]/g, ' ');
  if (STRONG_RESOLVED.test(words)) return 'resolved';
  const found: Array<[number, StatusMeaning]> = [];
  for (const [pattern, meaning] of [
    [FIRING, 'firing'],
    [RESOLVED, 'resolved'],
    [IGNORED, 'ignore'],
  ] as const) {
    const at = words.search(pattern);
    if (at >= 0) found.push([at, meaning]);
  }
  // Same position: "unacknowledged" matched as firing and "acknowledged" cannot also start there.
  found.sort((a, b) => a[0] - b[0]);
  return found[0]?.[1];
}

/** The bracketed state Datadog and others put at the start of a title: `[P1] [Recovered] …`. */
export function statusFromTitle(title: string | undefined): StatusMeaning | undefined {
  if (title === undefined) return undefined;
  for (const match of title.matchAll(/\[([^\]]{1,60})\]/g)) {
    const meaning = statusFromWords(match[1]);
    if (meaning) return meaning;
  }
  return undefined;
}

/** Hosts of the senders themselves: a link back to their dashboard is never the site. */
const SENDER_HOSTS =
  /(^|\.)(pagerduty\.com|datadoghq\.(com|eu)|ddog-gov\.com|datadog\.com|checklyhq\.com|betterstack\.com|betteruptime\.com|uptimerobot\.com|pingdom\.com|pingdom\.net|uptime\.kuma\.pet)$/i;

function siteOf(raw: string): SiteResult {
  const site = siteFromText(raw);
  if (site.ok && SENDER_HOSTS.test(site.site))
    return { ok: false, reason: `${site.site} is the monitoring service itself` };
  return site;
}

/** Candidate fields in order, as [label for the error, value]; the first that names a site wins. */
export type Candidate = [label: string, value: string | undefined];

export function siteFromCandidates(candidates: readonly Candidate[]): SiteResult {
  let problem: string | undefined;
  for (const [label, value] of candidates) {
    if (value === undefined) continue;
    const site = siteOf(value);
    if (site.ok) return site;
    const inText = siteInText(value);
    if (inText) return { ok: true, site: inText };
    problem ??= `${label}: ${site.reason}`;
  }
  const fields = candidates.map(([label]) => label).join(', ');
  return {
    ok: false,
    reason: `no site in the payload (looked at ${fields})${problem ? `; ${problem}` : ''}`,
  };
}

/** Tags as `key:value` strings (an array, or one comma-separated string) or an object of key → value. */
export function siteFromTags(tags: unknown): string | undefined {
  const pairs: Array<[string, string]> = [];
  const add = (tag: string) => {
    const m = /^\s*([\w.-]+)\s*[:=]\s*(.+?)\s*$/.exec(tag);
    if (m) pairs.push([m[1]!.toLowerCase(), m[2]!]);
  };
  if (typeof tags === 'string') for (const tag of tags.split(',')) add(tag);
  else if (Array.isArray(tags)) {
    for (const tag of tags) {
      if (typeof tag === 'string') add(tag);
      // `{ name: "site", value: "shop.example.com" }` (Uptime Kuma, Pingdom's newer tags).
      else if (isObject(tag)) {
        const key = pickText(tag, 'name', 'key', 'tag');
        const value = pickText(tag, 'value');
        if (key !== undefined && value !== undefined) pairs.push([key.toLowerCase(), value]);
      }
    }
  } else if (isObject(tags))
    for (const [k, v] of Object.entries(tags)) if (typeof v === 'string') pairs.push([k.toLowerCase(), v]);
  for (const key of ['site', 'url', 'hostname', 'host', 'domain', 'fqdn', 'instance', 'target', 'service']) {
    for (const [k, v] of pairs) {
      if (k !== key) continue;
      const site = siteOf(v);
      if (site.ok) return site.site;
    }
  }
  return undefined;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>()[\]{}|\\^`]+/gi;
const HOST_IN_TEXT =
  /(?<![@\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62})(?::\d{1,5})?(?![\w-]|\.[a-z0-9])/gi;
/** Endings that look like hostnames in prose but are file names. */
const NOT_TLD =
  /\.(html?|php|js|json|css|txt|log|png|jpe?g|gif|svg|xml|yml|yaml|conf|sh|py|ts|md|exe|zip|gz)$/i;

/** The first URL, else the first hostname, in free text (titles, messages), skipping the sender's own links. */
export function siteInText(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const clipped = text.slice(0, 4000);
  for (const match of clipped.matchAll(URL_IN_TEXT)) {
    const site = siteOf(match[0].replace(/[.,;:!?]+$/, ''));
    if (site.ok) return site.site;
  }
  for (const match of clipped.matchAll(HOST_IN_TEXT)) {
    const host = match[1]!;
    if (NOT_TLD.test(host)) continue;
    const site = siteOf(host);
    if (site.ok) return site.site;
  }
  return undefined;
}

const URLISH_KEY = /(^|[_-])(url|uri|host|hostname|domain|site|target|endpoint|fqdn|website)$/i;
const NOT_SITE_KEY =
  /link|conference|bridge|html_?url|self|dashboard|screenshot|response_?url|image|avatar|icon|callback|api_?url|logo|webhook|runbook|docs?_?url/i;

/**
 * Last resort: any URL-like field anywhere in the payload (depth ≤ 4), e.g. a Datadog template with
 * `"website": "$URL"` or a Checkly body with `"request_url"`. Links to dashboards are skipped.
 */
export function siteInUrlFields(value: unknown, depth = 0): string | undefined {
  if (depth > 4 || !isObject(value)) return undefined;
  const nested: JsonObject[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (isObject(v)) nested.push(v);
    if (typeof v !== 'string' || !URLISH_KEY.test(key) || NOT_SITE_KEY.test(key)) continue;
    const site = siteOf(v);
    if (site.ok) return site.site;
  }
  for (const child of nested) {
    const found = siteInUrlFields(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}
