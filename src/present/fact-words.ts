// Evidence in words: the three to five facts a person needs from a finding ("HTTP 521", "Ray ID
// 8c…", "port 443 refused"), never a dump of keys. Each evidence key a check writes is named here
// once with how to say it; keys without words (ids, raw messages, nested blobs) stay in --json
// and behind Details. Order is importance: the first facts shown are the ones an on-call reads.
import { type AnyEvidence, anyEvidence, type EvidenceKey } from '../diagnosis/evidence.js';
import type { Finding } from '../diagnosis/finding.js';
import { SSL_MODE_LABEL } from './labels.js';

/** How to say one key's value; the value is typed by what the checks write under that key. */
type Words<K extends EvidenceKey> = (
  value: NonNullable<AnyEvidence[K]>,
  evidence: AnyEvidence,
) => string | undefined;
type Said = { key: EvidenceKey; words: (evidence: AnyEvidence) => string | undefined };

/** One key and its words. The key is checked against the evidence types (diagnosis/evidence.ts): a key no check writes fails typecheck. */
function say<K extends EvidenceKey>(key: K, words: Words<K>): Said {
  return {
    key,
    words: (e) => {
      const value = e[key];
      return value === undefined || value === null ? undefined : words(value, e);
    },
  };
}

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

const WORDS: Said[] = [
  say('cloudflareErrorCode', (v, e) =>
    num(v) !== undefined && v !== e.status ? `Cloudflare error ${v}` : undefined,
  ),
  say('status', (v) =>
    num(v) !== undefined ? `HTTP ${v}` : str(v) !== undefined ? `status ${v}` : undefined,
  ),
  say('reason', (v) => (str(v) ? `"${v}"` : undefined)),
  say('blames', (v) => (str(v) ? `the page blames the ${v}` : undefined)),
  say('errorCode', (v) => str(v)),
  say('endpoint', (v) => str(v)),
  say('port', (v, e) =>
    num(v) !== undefined && e.endpoint === undefined
      ? str(e.address)
        ? `${e.address} port ${v}`
        : `port ${v}`
      : undefined,
  ),
  say('mode', (v) => (str(v) ? `SSL ${SSL_MODE_LABEL[v] ?? v}` : undefined)),
  say('sslMode', (v) => (str(v) ? `SSL ${SSL_MODE_LABEL[v] ?? v}` : undefined)),
  say('records', (v) => records(v)),
  say('addresses', (v) => (list(v) ? `resolves to ${list(v)}` : undefined)),
  say('allCloudflare', (v) => (v === false ? 'not all Cloudflare addresses' : undefined)),
  say('sharePercent', (v, e) =>
    num(v) !== undefined ? `${v}% 5xx over ${e.windowMinutes ?? '?'} min` : undefined,
  ),
  say('daysLeft', (v) => (num(v) !== undefined ? `${v} days left` : undefined)),
  say('notAfter', (v) => (str(v) ? `expires ${v.slice(0, 10)}` : undefined)),
  say('subject', (v) => (str(v) ? `certificate for ${v}` : undefined)),
  say('issuer', (v) => (str(v) ? `issued by ${v}` : undefined)),
  say('tunnelName', (v) => (str(v) ? `tunnel ${v}` : undefined)),
  say('activeConnections', (v) => (num(v) !== undefined ? `${v} connections` : undefined)),
  say('pools', (v) => {
    const names = list(Array.isArray(v) ? v.map((p) => p.name) : undefined);
    return names ? `pools ${names}` : undefined;
  }),
  say('permission', (v) => (str(v) ? `needs ${v}` : undefined)),
  say('rayId', (v) => (str(v) ? `Ray ID ${v}` : undefined)),
  say('colo', (v) => (str(v) ? `via ${v}` : undefined)),
  say('ttfbMs', (v) => (num(v) !== undefined ? `first byte after ${v} ms` : undefined)),
];

/** Up to `max` facts of a finding, in words, most important first. */
export function factsInWords(finding: Pick<Finding, 'evidence'>, max = 5): string[] {
  const facts: string[] = [];
  const evidence = anyEvidence(finding);
  for (const { key, words } of WORDS) {
    if (!(key in evidence)) continue;
    const said = words(evidence);
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
