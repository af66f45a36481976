// Which origin connections to try, from the candidates and the SSL mode, the way Cloudflare picks
// them: 443 over TLS for Full/Strict, 80 in the clear for Flexible, both when the mode is unknown;
// an explicit port (in the URL, on a load-balancer origin, or `--origin host:port`) wins.

import type { OriginCandidate, SslMode } from '../../facts.js';
import type { Target } from '../../target.js';

export interface OriginPorts {
  http: number;
  https: number;
}

export interface PlannedProbe {
  candidate: OriginCandidate;
  port: number;
  tls: boolean;
  /**
   * `main`: a connection Cloudflare makes in this mode. `side`: port 80 tried under Full/Strict only
   * to tell "no HTTPS at all" (ssl.origin_no_https) from a dead origin; it never raises a finding itself.
   */
  role: 'main' | 'side';
}

const WANTS_TLS: ReadonlySet<SslMode> = new Set(['full', 'strict', 'origin_pull']);
const PLAIN: ReadonlySet<SslMode> = new Set(['flexible', 'off']);
/** Cloudflare's proxied HTTPS ports; the others it proxies (80, 8080, 8880, 2052…) are plain. */
const HTTPS_PORTS: ReadonlySet<number> = new Set([443, 2053, 2083, 2087, 2096, 8443]);

export function wantsTls(mode: SslMode | undefined): boolean {
  return mode !== undefined && WANTS_TLS.has(mode);
}

/** Reads `--origin`: a host or IP, optionally with `:port` (`[v6]:port` for IPv6). */
export function parseOriginOption(raw: string): OriginCandidate {
  const text = raw.trim();
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const plain = /^([^:]+):(\d{1,5})$/.exec(text);
  const match = bracketed ?? plain;
  const port = match ? Number(match[2]) : undefined;
  if (match && port !== undefined && port >= 1 && port <= 65535) {
    return { address: match[1]!, source: 'override', port, label: '--origin' };
  }
  return { address: text, source: 'override', label: '--origin' };
}

export function planProbes(
  candidates: readonly OriginCandidate[],
  target: Target,
  mode: SslMode | undefined,
  ports: OriginPorts,
): PlannedProbe[] {
  const plans: PlannedProbe[] = [];
  for (const candidate of candidates) {
    const explicit = candidate.port ?? target.port;
    if (explicit !== undefined) {
      plans.push({
        candidate,
        port: explicit,
        tls: tlsForExplicitPort(explicit, mode, target),
        role: 'main',
      });
    } else if (mode !== undefined && PLAIN.has(mode)) {
      plans.push({ candidate, port: ports.http, tls: false, role: 'main' });
    } else if (wantsTls(mode)) {
      plans.push({ candidate, port: ports.https, tls: true, role: 'main' });
      plans.push({ candidate, port: ports.http, tls: false, role: 'side' });
    } else {
      plans.push({ candidate, port: ports.http, tls: false, role: 'main' });
      plans.push({ candidate, port: ports.https, tls: true, role: 'main' });
    }
  }
  return plans;
}

function tlsForExplicitPort(port: number, mode: SslMode | undefined, target: Target): boolean {
  if (mode === 'origin_pull') return true;
  if (mode !== undefined && PLAIN.has(mode)) return false;
  // Full/Strict keep the visitor's scheme; unknown mode: judge by the port Cloudflare would treat as HTTPS.
  if (wantsTls(mode)) return target.scheme === 'https';
  return HTTPS_PORTS.has(port) || (target.scheme === 'https' && port !== 80 && port !== 8080);
}

/** Same address and port twice (a record and an LB origin) is probed once. */
export function dedupe(plans: PlannedProbe[]): PlannedProbe[] {
  const seen = new Set<string>();
  return plans.filter((plan) => {
    const key = `${plan.candidate.address.toLowerCase()}|${plan.port}|${plan.tls}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
