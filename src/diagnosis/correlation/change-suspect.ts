// The likely trigger: once the primary cause is known, a recent change that touched the piece that
// cause implicates, made shortly before the errors began, becomes `change.suspect`, placed right
// after the primary cause. The primary cause stays the technical one (a self-signed certificate is
// still why Full (strict) fails); the suspect says what turned it into an outage, and how to undo it.
// When the errors began: the incident's first alert, else the first 5xx minute in edge analytics.
import type { Change } from '../change.js';
import { describeChange } from '../change.js';
import type { FindingCode } from '../codes.js';
import type { Facts } from '../facts.js';
import { type Finding, finding } from '../finding.js';
import type { CorrelationInput } from './rule.js';

/** How long before the errors a change still counts as their likely trigger. */
const LEAD_MS = 2 * 3600_000;
/** Clocks and log delays: a change logged this soon after the first error still counts. */
const SLACK_MS = 2 * 60_000;

const SSL_SETTINGS = new Set(['ssl', 'ssl_automatic_mode', 'tls_client_auth', 'min_tls_version']);
const dnsOfHost = (c: Change) => c.kind === 'dns';
const setting =
  (...ids: string[]) =>
  (c: Change) =>
    c.kind === 'setting' && ids.includes(c.target ?? '');
const kinds =
  (...k: Change['kind'][]) =>
  (c: Change) =>
    k.includes(c.kind);
const any =
  (...tests: ((c: Change) => boolean)[]) =>
  (c: Change) =>
    tests.some((t) => t(c));

/** The pieces of configuration each cause depends on (prefix match on the code, longest first). */
const TLS = any(
  (c) => c.kind === 'setting' && SSL_SETTINGS.has(c.target ?? ''),
  dnsOfHost,
  kinds('origin_rules', 'config_rules', 'rules'),
);
const CONNECT = any(
  dnsOfHost,
  setting('ssl'),
  kinds('origin_rules', 'config_rules', 'rules', 'load_balancer'),
);
const PIECES: [string, (c: Change) => boolean][] = [
  ['origin.http2_broken', setting('origin_max_http_version')],
  ['origin.requires_client_cert', setting('tls_client_auth')],
  ['origin.tls_', TLS],
  ['ssl.', TLS],
  ['origin.slow', any(setting('proxy_read_timeout'), CONNECT)],
  ['origin.response_timeout', any(setting('proxy_read_timeout'), CONNECT)],
  ['origin.', CONNECT],
  ['dns.', dnsOfHost],
  ['tunnel.', any(kinds('tunnel'), dnsOfHost)],
  ['lb.', any(kinds('load_balancer'), dnsOfHost)],
  ['worker.', kinds('workers')],
  ['edge.cached_error', kinds('cache_rules')],
  ['edge.', any(dnsOfHost, kinds('setting', 'origin_rules', 'config_rules', 'rules', 'waf', 'workers'))],
  ['analytics.', any(dnsOfHost, kinds('setting', 'origin_rules', 'config_rules', 'rules', 'waf', 'workers'))],
];

export function nameSuspect(input: CorrelationInput, cause: FindingCode | null, now: Date): Finding[] {
  const findings = input.findings;
  const changes = input.facts.changes?.changes ?? [];
  if (cause === null || changes.length === 0) return findings;
  const index = findings.findIndex(
    (f) => f.code === cause && (f.severity === 'error' || f.severity === 'warn'),
  );
  const primary = findings[index];
  if (!primary) return findings;
  const touches = PIECES.find(([prefix]) => cause.startsWith(prefix))?.[1];
  if (!touches) return findings;
  const began = errorsBegan(input.facts);
  const suspect = changes.find((c) => touches(c) && inTime(c, began, now));
  if (!suspect) return findings;
  const out = [...findings];
  out.splice(index + 1, 0, suspectFinding(suspect, primary, began, now));
  return out;
}

interface Began {
  at?: Date;
  /** What told us: the incident's first alert, or edge analytics. */
  source?: 'incident' | 'analytics';
  /** Errors were already there at this time (analytics window start), so they began earlier. */
  before?: Date;
}

function errorsBegan(facts: Partial<Facts>): Began {
  const incident = facts.changes?.errorsSince;
  if (incident && !Number.isNaN(Date.parse(incident))) return { at: new Date(incident), source: 'incident' };
  const first = facts.analytics?.firstErrorAt;
  const start = facts.analytics?.windowStart;
  if (first && start) {
    // A first 5xx in the window's first minute means they were already happening before it.
    if (Date.parse(first) - Date.parse(start) > 60_000) return { at: new Date(first), source: 'analytics' };
    return { before: new Date(start) };
  }
  return {};
}

function inTime(change: Change, began: Began, now: Date): boolean {
  const when = Date.parse(change.when);
  if (began.at) return when <= began.at.getTime() + SLACK_MS && began.at.getTime() - when <= LEAD_MS;
  // Start unknown: the change must precede what we know of the errors, by no more than the lead.
  const latest = began.before ? began.before.getTime() + SLACK_MS : now.getTime();
  return when <= latest && latest - when <= LEAD_MS;
}

function suspectFinding(change: Change, primary: Finding, began: Began, now: Date): Finding {
  const when = Date.parse(change.when);
  const ref = began.at ?? now;
  const minutes = Math.max(0, Math.round((ref.getTime() - when) / 60_000));
  const timing = began.at
    ? `${minutes} min before the errors began (${began.source === 'incident' ? 'first alert' : 'first 5xx in edge analytics'})`
    : `${minutes} min ago, while the errors are ongoing (when they began is not known)`;
  return finding({
    code: 'change.suspect',
    // Timing confirmed by an alert or analytics: as grave as the cause; otherwise only a warning.
    severity: began.at ? primary.severity : 'warn',
    title: `Likely trigger: ${change.what} changed ${timing.split(' (')[0]}`,
    detail: `${describeChange(change)} — ${timing}. It touches what the primary cause depends on: ${primary.title}.`,
    evidence: {
      change,
      triggerOf: primary.code,
      minutesBefore: minutes,
      errorsBegan: began.at?.toISOString() ?? null,
      errorsBeganSource: began.source ?? null,
    },
  });
}
