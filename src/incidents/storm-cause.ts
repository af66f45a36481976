// What the sites of an alert storm have in common, read from their diagnosis reports: the same origin
// address, the same origin network, the same tunnel, the same load-balancer pool, Cloudflare's edge
// failing while their origins answer, the same zone, or at least the same primary cause. The most
// specific thing most of the failing sites share wins, and is named the way a person would say it:
// "14 sites, one origin 203.0.113.10 refusing on 443". Pure: reports in, a sentence out.
import { type AnyEvidence, anyEvidence } from '../diagnosis/evidence.js';
import type { Finding } from '../diagnosis/finding.js';
import type { Report } from '../diagnosis/report.js';

export type StormCauseKind = 'origin' | 'tunnel' | 'pool' | 'network' | 'cloudflare' | 'zone' | 'cause';

export interface StormCause {
  kind: StormCauseKind;
  /** What is shared: an address, a tunnel name, a pool, a zone, a finding code. */
  key: string;
  /** The sites that share it. */
  sites: string[];
  /** Failing sites whose reports were read (the denominator of "14 of 15"). */
  diagnosed: number;
  /** The primary cause when every sharing site has the same one. */
  primaryCause?: string;
  /** What they share, in words: "one origin 203.0.113.10 refusing on 443". */
  what: string;
  /** "14 sites, one origin 203.0.113.10 refusing on 443". */
  text: string;
}

/** Most specific first: an origin address explains more than a shared zone does. */
const ORDER: StormCauseKind[] = ['origin', 'tunnel', 'pool', 'network', 'cloudflare', 'zone', 'cause'];

interface Feature {
  kind: StormCauseKind;
  key: string;
  /** Port the origin was reached on, for the sentence. */
  port?: number;
}

export function commonCause(
  entries: ReadonlyArray<{ site: string; report?: Report | undefined }>,
): StormCause | undefined {
  const failing = entries.filter(
    (e): e is { site: string; report: Report } => e.report !== undefined && e.report.verdict === 'failing',
  );
  if (failing.length < 2) return undefined;
  const groups = new Map<
    string,
    { feature: Feature; sites: string[]; causes: Set<string>; ports: Set<number> }
  >();
  for (const { site, report } of failing) {
    for (const feature of featuresOf(site, report)) {
      const id = `${feature.kind}\u0000${feature.key}`;
      let group = groups.get(id);
      if (!group) {
        group = { feature, sites: [], causes: new Set(), ports: new Set() };
        groups.set(id, group);
      }
      if (group.sites.includes(site)) continue;
      group.sites.push(site);
      group.causes.add(report.primaryCause ?? 'unknown');
      if (feature.port !== undefined) group.ports.add(feature.port);
    }
  }
  // Shared by at least two sites and by at least half of those diagnosed; then most specific, then most sites.
  const need = Math.max(2, Math.ceil(failing.length / 2));
  const best = [...groups.values()]
    .filter((g) => g.sites.length >= need)
    .sort(
      (a, b) =>
        ORDER.indexOf(a.feature.kind) - ORDER.indexOf(b.feature.kind) || b.sites.length - a.sites.length,
    )[0];
  if (!best) return undefined;
  const cause: StormCause = {
    kind: best.feature.kind,
    key: best.feature.key,
    sites: best.sites,
    diagnosed: failing.length,
    what: '',
    text: '',
  };
  if (best.causes.size === 1) cause.primaryCause = [...best.causes][0]!;
  const port = best.ports.size === 1 ? [...best.ports][0] : undefined;
  cause.what = shared(cause, port);
  const n = cause.sites.length;
  cause.text = `${n} site${n === 1 ? '' : 's'}, ${cause.what}`;
  return cause;
}

function featuresOf(site: string, report: Report): Feature[] {
  const out: Feature[] = [];
  const errors = report.findings.filter((f) => f.severity === 'error');
  const primary = report.findings.find((f) => f.code === report.primaryCause) ?? errors[0];
  const ordered = primary ? [primary, ...errors.filter((f) => f !== primary)] : errors;
  // A down tunnel or load balancer explains its origins' failures: the storm is about it, not about
  // whichever of the pool's origins the probe happened to reach.
  const explainedOrigins = primary !== undefined && /^(lb|tunnel)\./.test(primary.code);
  for (const finding of ordered) {
    const e = anyEvidence(finding);
    if (!explainedOrigins && (finding.code.startsWith('origin.') || finding.code.startsWith('dns.origin'))) {
      const address = text(e.resolvedAddress) ?? text(e.address);
      if (address && isIp(address)) {
        const port = typeof e.port === 'number' ? e.port : undefined;
        for (const feature of [
          { kind: 'origin' as const, key: address },
          { kind: 'network' as const, key: networkOf(address) },
        ])
          out.push(port === undefined ? feature : { ...feature, port });
      }
    }
    if (finding.code.startsWith('tunnel.')) {
      const tunnel = text(e.tunnelName) ?? text(e.tunnelId);
      if (tunnel) out.push({ kind: 'tunnel', key: tunnel });
    }
    if (finding.code.startsWith('lb.')) {
      // Every unhealthy pool together first (sites behind the same pools), then each on its own.
      const pools = [...new Set(poolsOf(e.pools))].sort();
      if (pools.length > 1) out.push({ kind: 'pool', key: pools.join(', ') });
      for (const pool of pools) out.push({ kind: 'pool', key: pool });
    }
  }
  if (edgeFailsWhileOriginAnswers(report)) out.push({ kind: 'cloudflare', key: 'edge' });
  const zone = report.findings.map((f) => text(anyEvidence(f).zone)).find(Boolean) ?? guessZone(site);
  if (zone) out.push({ kind: 'zone', key: zone });
  if (report.primaryCause) out.push({ kind: 'cause', key: report.primaryCause });
  return out;
}

/** Cloudflare itself: the edge answers an error while the bot reached the origin fine. */
function edgeFailsWhileOriginAnswers(report: Report): boolean {
  const has = (code: string) => report.findings.some((f: Finding) => f.code === code);
  const originError = report.findings.some((f) => f.code.startsWith('origin.') && f.severity === 'error');
  return has('edge.error') && has('origin.ok') && !originError;
}

/** Unhealthy pools named in a load-balancer finding's evidence. */
function poolsOf(pools: AnyEvidence['pools']): string[] {
  if (!Array.isArray(pools)) return [];
  return pools
    .filter((p) => typeof p === 'object' && p !== null && p.healthy !== true)
    .map((p) => text(p.name) ?? text(p.id))
    .filter((n): n is string => n !== undefined);
}

function shared(cause: StormCause, port: number | undefined): string {
  const what = cause.primaryCause ? behaviour(cause.primaryCause, port) : undefined;
  switch (cause.kind) {
    case 'origin':
      return `one origin ${cause.key}${what ? ` ${what}` : ''}`;
    case 'network':
      return `origins in one network ${cause.key}${what ? `, all ${what}` : ''}`;
    case 'tunnel':
      return `one tunnel ${cause.key}${cause.primaryCause ? ` (${cause.primaryCause})` : ''}`;
    case 'pool':
      return cause.key.includes(', ')
        ? `load-balancer pools ${cause.key} all unhealthy`
        : `one load-balancer pool ${cause.key} unhealthy`;
    case 'cloudflare':
      return "Cloudflare's edge failing while their origins answer";
    case 'zone':
      return `zone ${cause.key}${cause.primaryCause ? `, all ${cause.primaryCause}` : ''}`;
    case 'cause':
      return `the same cause: ${cause.key}`;
  }
}

/** How an origin misbehaves, in a few words ("refusing on 443"). */
function behaviour(code: string, port: number | undefined): string {
  const on = port === undefined ? '' : ` on ${port}`;
  switch (code) {
    case 'origin.connection_refused':
      return `refusing${on}`;
    case 'origin.connect_timeout':
      return `not answering${on} (connect timeout)`;
    case 'origin.unreachable':
      return 'unreachable';
    case 'origin.connection_reset':
      return `resetting connections${on}`;
    case 'origin.tls_handshake_failed':
      return `failing the TLS handshake${on}`;
    case 'origin.response_timeout':
      return `connecting${on} but not answering in time`;
    case 'origin.http_5xx':
      return 'answering 5xx itself';
    case 'origin.invalid_response':
      return 'sending invalid HTTP';
    case 'origin.blocks_cloudflare':
      return "blocking Cloudflare's addresses";
    default:
      return `(${code})`;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isIp(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':');
}

/** The /24 of an IPv4 address, the /48 of an IPv6 one. */
function networkOf(address: string): string {
  if (!address.includes(':')) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  const groups = address.split(':').slice(0, 3);
  return `${groups.join(':')}::/48`;
}

/** Without a zone in the report, the last two labels (shop.example.com → example.com). */
function guessZone(site: string): string | undefined {
  const labels = site.split('.');
  return labels.length >= 2 ? labels.slice(-2).join('.') : undefined;
}
