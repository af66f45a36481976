// Workers in front of (or instead of) the origin. A proxied `AAAA 100::` or `A 192.0.2.1` is
// Cloudflare's documented placeholder for a host a Worker serves by itself (Workers "Routes" docs:
// "a placeholder AAAA record pointing to 100:: … you may also use an A record pointed to
// 192.0.2.1"): Cloudflare never connects to it, so it is neither an unreachable origin nor
// something to probe. Which Worker serves the host comes from the zone's routes, matched the way
// Cloudflare matches them (workers/configuration/routing/routes: optional scheme, a leading `*` on
// the host, a trailing `*` on the path, the most specific pattern wins, a route without a script
// turns Workers off for what it matches).
import type { CfDnsRecord, CfWorkerDomain, CfWorkerRoute } from '../../cloudflare-reader.js';
import { type Finding, finding } from '../../finding.js';
import type { WorkerRouteEvidence } from './evidence.js';

/** Is this proxied record Cloudflare's Workers placeholder? */
export function isWorkerPlaceholder(record: CfDnsRecord): boolean {
  if (!record.proxied) return false;
  if (record.type === 'A') return record.content.trim() === '192.0.2.1';
  if (record.type === 'AAAA') return /^100(:0{1,4}){0,7}::?$|^100::$/i.test(record.content.trim());
  return false;
}

/** The route Cloudflare would run for `host` + `path`, or undefined when none matches. */
export function matchRoute(
  routes: readonly CfWorkerRoute[],
  host: string,
  path: string,
): CfWorkerRoute | undefined {
  let best: { route: CfWorkerRoute; score: number } | undefined;
  for (const route of routes) {
    const score = specificity(route.pattern, host.toLowerCase(), path || '/');
    if (score !== undefined && (best === undefined || score > best.score)) best = { route, score };
  }
  return best?.route;
}

/** Higher is more specific; undefined when the pattern does not match. */
function specificity(pattern: string, host: string, path: string): number | undefined {
  const bare = pattern
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '');
  const slash = bare.indexOf('/');
  const hostPattern = slash === -1 ? bare : bare.slice(0, slash);
  const pathPattern = slash === -1 ? '/*' : bare.slice(slash);
  let hostScore: number;
  if (hostPattern.startsWith('*')) {
    const suffix = hostPattern.slice(1);
    // `*example.com` matches example.com and its subdomains; `*.example.com` only subdomains.
    if (!host.endsWith(suffix)) return undefined;
    hostScore = suffix.length;
  } else {
    if (hostPattern !== host) return undefined;
    hostScore = 10_000 + hostPattern.length;
  }
  let pathScore: number;
  if (pathPattern.endsWith('*')) {
    const prefix = pathPattern.slice(0, -1);
    if (!path.startsWith(prefix)) return undefined;
    pathScore = prefix.length;
  } else {
    if (path.split('?')[0] !== pathPattern) return undefined;
    pathScore = 5_000 + pathPattern.length;
  }
  return hostScore * 10_000 + pathScore;
}

export function workerRouteFinding(
  host: string,
  path: string,
  route: CfWorkerRoute & { script: string },
  placeholder: CfDnsRecord | undefined,
): Finding {
  const evidence: WorkerRouteEvidence = { host, path, pattern: route.pattern, script: route.script };
  if (placeholder) evidence.placeholder = `${placeholder.type} ${placeholder.content}`;
  return finding({
    code: 'worker.route',
    severity: 'info',
    title: `Worker ${route.script} serves ${host}`,
    detail: placeholder
      ? `The Workers route ${route.pattern} runs the Worker "${route.script}" for ${host}${path}. The proxied ${placeholder.type} ${placeholder.content} record is Cloudflare's placeholder for a host a Worker serves by itself: Cloudflare never connects to that address, so it was not probed.`
      : `The Workers route ${route.pattern} runs the Worker "${route.script}" in front of the origin for ${host}${path}: a 5xx can come from the Worker (error 11xx) as well as from the origin it fetches.`,
    evidence,
  });
}

/** How a Custom Domain is named where a route pattern would be (worker.error evidence, steps). */
export function customDomainPattern(domain: CfWorkerDomain): string {
  return `${domain.hostname} (Custom Domain)`;
}

/**
 * A host attached to a Worker as a Custom Domain (workers/configuration/routing/custom-domains):
 * the Worker is the origin for every path, Cloudflare made the DNS record (a proxied `AAAA 100::`)
 * and the certificate. Nothing to probe.
 */
export function customDomainFinding(
  host: string,
  domain: CfWorkerDomain,
  placeholder: CfDnsRecord | undefined,
): Finding {
  const evidence: WorkerRouteEvidence = {
    host,
    script: domain.service,
    pattern: customDomainPattern(domain),
    customDomain: true,
  };
  if (domain.environment) evidence.environment = domain.environment;
  if (placeholder) evidence.placeholder = `${placeholder.type} ${placeholder.content}`;
  return finding({
    code: 'worker.route',
    severity: 'info',
    title: `Worker ${domain.service} serves ${host} (Custom Domain)`,
    detail: `${host} is attached to the Worker "${domain.service}" as a Workers Custom Domain: the Worker is the origin for every path${placeholder ? `, and the proxied ${placeholder.type} ${placeholder.content} record is the one Cloudflare created for it` : ''}. Cloudflare never connects to an origin server for this host, so none was probed; a 5xx comes from the Worker (error 11xx) or from what it fetches.`,
    evidence,
  });
}

/** A placeholder record no route serves: requests go to an address Cloudflare cannot reach. */
export function unservedPlaceholderFinding(host: string, path: string, record: CfDnsRecord): Finding {
  return finding({
    code: 'dns.origin_private_address',
    severity: 'error',
    title: `${host} points at the Workers placeholder ${record.content}, but no Worker route serves it`,
    detail: `The proxied ${record.type} ${record.content} record is Cloudflare's placeholder for a host served by a Worker, yet no Workers route of the zone (with a script) matches ${host}${path} and no Worker has it as a Custom Domain. Requests that no route catches go to ${record.content}, which Cloudflare cannot connect to. The bot did not probe it.`,
    evidence: {
      host,
      recordType: record.type,
      content: record.content,
      address: record.content,
      range: record.type === 'A' ? '192.0.2.0/24' : '100::/64',
      proxied: true,
      workerPlaceholder: true,
    },
  });
}
