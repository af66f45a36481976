// Evidence in words: the three to five facts a person needs from a finding ("HTTP 521", "Ray ID
// 8c…", "port 443 refused"), never a dump of keys. Each evidence key a check writes is named here
// once with how to say it; keys without words (ids, raw messages, nested blobs) stay in --json
// and behind Details. Order is importance: the first facts shown are the ones an on-call reads.
import type { EvidenceKey } from '../diagnosis/evidence.js';
import type { Finding } from '../diagnosis/finding.js';
import { SSL_MODE_LABEL } from './labels.js';

type Words = (value: unknown, evidence: Record<string, unknown>) => string | undefined;

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const list = (value: unknown, max = 3): string | undefined => {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const shown = value
    .slice(0, max)
    .map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?'));
  return value.length > max ? `${shown.join(', ')} and ${value.length - max} more` : shown.join(', ');
};

// Keys are checked against the evidence types (diagnosis/evidence.ts): a key no check writes fails
// typecheck.
const WORDS: [key: EvidenceKey, words: Words][] = [
  [
    'cloudflareErrorCode',
    (v, e) => (num(v) !== undefined && v !== e['status'] ? `Cloudflare error ${v}` : undefined),
  ],
  ['status', (v) => (num(v) !== undefined ? `HTTP ${v}` : str(v) !== undefined ? `status ${v}` : undefined)],
  ['reason', (v) => (str(v) ? `"${v}"` : undefined)],
  ['blames', (v) => (str(v) ? `the page blames the ${v}` : undefined)],
  ['errorCode', (v) => str(v)],
  ['endpoint', (v) => str(v)],
  [
    'port',
    (v, e) =>
      num(v) !== undefined && e['endpoint'] === undefined
        ? str(e['address'])
          ? `${e['address']} port ${v}`
          : `port ${v}`
        : undefined,
  ],
  ['mode', (v) => (str(v) ? `SSL ${SSL_MODE_LABEL[v as string] ?? v}` : undefined)],
  ['sslMode', (v) => (str(v) ? `SSL ${SSL_MODE_LABEL[v as string] ?? v}` : undefined)],
  ['records', (v) => records(v)],
  ['addresses', (v) => (list(v) ? `resolves to ${list(v)}` : undefined)],
  ['allCloudflare', (v) => (v === false ? 'not all Cloudflare addresses' : undefined)],
  [
    'sharePercent',
    (v, e) => (num(v) !== undefined ? `${v}% 5xx over ${e['windowMinutes'] ?? '?'} min` : undefined),
  ],
  ['daysLeft', (v) => (num(v) !== undefined ? `${v} days left` : undefined)],
  ['notAfter', (v) => (str(v) ? `expires ${String(v).slice(0, 10)}` : undefined)],
  ['subject', (v) => (str(v) ? `certificate for ${v}` : undefined)],
  ['issuer', (v) => (str(v) ? `issued by ${v}` : undefined)],
  ['tunnelName', (v) => (str(v) ? `tunnel ${v}` : undefined)],
  ['activeConnections', (v) => (num(v) !== undefined ? `${v} connections` : undefined)],
  ['pools', (v) => (list(names(v)) ? `pools ${list(names(v))}` : undefined)],
  ['permission', (v) => (str(v) ? `needs ${v}` : undefined)],
  ['rayId', (v) => (str(v) ? `Ray ID ${v}` : undefined)],
  ['colo', (v) => (str(v) ? `via ${v}` : undefined)],
  ['ttfbMs', (v) => (num(v) !== undefined ? `first byte after ${v} ms` : undefined)],
];

/** Up to `max` facts of a finding, in words, most important first. */
export function factsInWords(finding: Pick<Finding, 'evidence'>, max = 5): string[] {
  const facts: string[] = [];
  for (const [key, words] of WORDS) {
    if (!(key in finding.evidence)) continue;
    const said = words(finding.evidence[key], finding.evidence);
    if (said !== undefined && !facts.includes(said)) facts.push(said);
    if (facts.length >= max) break;
  }
  return facts;
}

function records(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const first = value[0] as { type?: unknown; content?: unknown; proxied?: unknown };
  const proxied = first.proxied === true ? 'proxied' : first.proxied === false ? 'DNS-only' : '';
  const more = value.length > 1 ? ` (+${value.length - 1})` : '';
  return (
    `${String(first.type ?? '')} ${String(first.content ?? '')} ${proxied}`.replace(/\s+/g, ' ').trim() + more
  );
}

/** The names of the pools in a load balancer finding (each pool is an object). */
function names(pools: unknown): unknown[] | undefined {
  return Array.isArray(pools) ? pools.map((p: { name?: unknown } | null) => p?.name) : undefined;
}
