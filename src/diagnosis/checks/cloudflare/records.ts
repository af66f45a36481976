// The host's DNS records in its zone: missing, DNS-only, or pointing somewhere Cloudflare cannot
// reach (private/reserved: never probed). A/AAAA contents and resolved CNAME targets become the
// origins the origin probe checks; a CNAME to <uuid>.cfargotunnel.com is a tunnel, handled apart.
// A host without a record of its own may be answered by a wildcard (`*.parent`, the most specific
// one), and a Worker placeholder (100:: / 192.0.2.1) is served by the Worker its route names.
import type { CheckContext } from '../../check.js';
import type { CfDnsRecord, CfWorkerDomain, CfWorkerRoute } from '../../cloudflare-reader.js';
import type { OriginCandidate } from '../../facts.js';
import { type Finding, finding, hasCode } from '../../finding.js';
import type { RecordEvidence, WildcardMissEvidence } from './evidence.js';
import {
  customDomainFinding,
  customDomainPattern,
  isWorkerPlaceholder,
  matchRoute,
  unservedPlaceholderFinding,
  workerRouteFinding,
} from './workers.js';

const TUNNEL_TARGET =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.cfargotunnel\.com\.?$/i;

export interface RecordsOutcome {
  findings: Finding[];
  origins: OriginCandidate[];
  proxied?: boolean;
  tunnelId?: string;
  /** The Worker that serves the host (a matching route with a script). */
  worker?: { script: string; pattern: string };
}

export interface RecordsContext {
  /** The wildcard name (`*.example.com`) the records came from, when the host has none of its own. */
  wildcard?: string;
  /** A wildcard that exists but does not answer for the host: why, in words and evidence. */
  wildcardMiss?: { detail: string; evidence: WildcardMissEvidence };
  /** The zone's Workers routes; an Error when they could not be read; undefined when not read. */
  routes?: CfWorkerRoute[] | Error;
  /** The account's Workers Custom Domains for the host; an Error when unreadable; undefined when not read. */
  customDomains?: CfWorkerDomain[] | Error;
}

export function isAddressRecord(r: CfDnsRecord): boolean {
  return r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME';
}

export function tunnelIdOf(target: string): string | undefined {
  return TUNNEL_TARGET.exec(target)?.[1]?.toLowerCase();
}

export async function readRecords(
  ctx: CheckContext,
  zoneName: string,
  all: CfDnsRecord[],
  context: RecordsContext = {},
): Promise<RecordsOutcome> {
  const host = ctx.target.host;
  const records = all.filter(isAddressRecord);
  const domain = Array.isArray(context.customDomains) ? context.customDomains[0] : undefined;
  if (records.length === 0 && domain) {
    // Attached to a Worker as a Custom Domain: the Worker is the origin, there is nothing to probe.
    return {
      origins: [],
      findings: [customDomainFinding(host, domain, undefined)],
      worker: { script: domain.service, pattern: customDomainPattern(domain) },
    };
  }
  if (records.length === 0) {
    return {
      origins: [],
      findings: [
        finding({
          code: 'dns.record_missing',
          severity: 'error',
          title: `No DNS record for ${host}`,
          detail: `The zone ${zoneName} has no A, AAAA or CNAME record (and no load balancer) named ${host}, and no wildcard record answers for it, so Cloudflare has nowhere to send its traffic.${all.length ? ` Other record types exist: ${[...new Set(all.map((r) => r.type))].join(', ')}.` : ''}${context.wildcardMiss ? ` ${context.wildcardMiss.detail}` : ''}`,
          evidence: {
            host,
            zone: zoneName,
            otherTypes: [...new Set(all.map((r) => r.type))],
            ...context.wildcardMiss?.evidence,
          },
        }),
      ],
    };
  }

  const out: RecordsOutcome = { findings: [], origins: [], proxied: records.every((r) => r.proxied) };
  const via = context.wildcard ? ` (from the wildcard record ${context.wildcard})` : '';
  const listed = records.map(
    (r) => `${r.type} ${r.content}${r.proxied ? ' (proxied)' : ' (DNS only)'}${via}`,
  );
  const path = ctx.target.path || '/';
  const routes = Array.isArray(context.routes) ? context.routes : undefined;
  const route = routes ? matchRoute(routes, host, path) : undefined;
  const served = route?.script ? { ...route, script: route.script } : undefined;
  if (served) out.worker = { script: served.script, pattern: served.pattern };
  const placeholder = records.find(isWorkerPlaceholder);
  const viaDomain = !served && placeholder ? domain : undefined;
  if (viaDomain) out.worker = { script: viaDomain.service, pattern: customDomainPattern(viaDomain) };
  // Which Worker serves a placeholder is unknown when a read it needs failed.
  const unread = [
    context.routes instanceof Error ? 'Workers routes' : undefined,
    context.customDomains instanceof Error ? 'Workers Custom Domains' : undefined,
  ].filter((x) => x !== undefined);
  if (served) out.findings.push(workerRouteFinding(host, path, served, placeholder));
  else if (viaDomain) out.findings.push(customDomainFinding(host, viaDomain, placeholder));
  else if (placeholder && unread.length > 0) {
    out.findings.push(
      finding({
        code: 'worker.route',
        severity: 'info',
        title: `${host} is a Workers placeholder record`,
        detail: `The proxied ${placeholder.type} ${placeholder.content} record is Cloudflare's placeholder for a host served by a Worker; the zone's ${unread.join(' and ')} could not be read (see the API finding), so which Worker serves it is not known. The placeholder was not probed.`,
        evidence: { host, path, placeholder: `${placeholder.type} ${placeholder.content}`, unread },
      }),
    );
  }
  const dnsOnly = records.filter((r) => !r.proxied);
  if (dnsOnly.length > 0) {
    out.findings.push(
      finding({
        code: 'dns.not_proxied',
        // A host wholly DNS-only is a choice (Cloudflare is simply not in its path): info. A host
        // with both proxied and DNS-only address records answers visitors inconsistently: warn.
        severity: dnsOnly.length === records.length ? 'info' : 'warn',
        title: `${host} is DNS-only: Cloudflare is not in the path`,
        detail: `The record${dnsOnly.length > 1 ? 's' : ''} ${dnsOnly.map((r) => `${r.type} ${r.content}`).join(', ')} ${dnsOnly.length > 1 ? 'are' : 'is'} grey-clouded, so visitors connect to the origin directly and Cloudflare neither proxies nor generates errors for this name.`,
        evidence: { host, records: dnsOnly.map(plain) },
      }),
    );
  }

  for (const record of records) {
    if (isWorkerPlaceholder(record)) {
      // Never probed: Cloudflare does not connect to it. Unserved only when the routes say so.
      if (!served && !viaDomain && Array.isArray(context.routes) && unread.length === 0)
        out.findings.push(unservedPlaceholderFinding(host, path, record));
      continue;
    }
    if (record.type === 'CNAME') {
      const tunnelId = tunnelIdOf(record.content);
      if (tunnelId) {
        out.tunnelId = tunnelId;
        continue;
      }
      await followCname(ctx, record, out);
      continue;
    }
    const verdict = ctx.ports.addresses.check(record.content);
    if (!verdict.allowed) {
      out.findings.push(privateAddress(host, record, record.content, verdict.range, verdict.reason));
      continue;
    }
    out.origins.push({ address: record.content, source: 'dns', label: `${record.type} record` });
  }

  if (context.wildcard) {
    // Every DNS finding says the records came from the wildcard, not from a record of the host.
    for (const f of out.findings)
      if (hasCode(f, 'dns.not_proxied') || hasCode(f, 'dns.origin_private_address'))
        f.evidence.wildcard = context.wildcard;
  }
  if (!out.findings.some((f) => f.severity === 'error' || f.severity === 'warn')) {
    out.findings.unshift(
      finding({
        code: 'dns.record_ok',
        severity: 'ok',
        title: `DNS record for ${host} is proxied${context.wildcard ? ` (wildcard ${context.wildcard})` : ''}`,
        detail: `${listed.join(', ')}.${context.wildcard ? ` ${host} has no record of its own: the most specific wildcard, ${context.wildcard}, answers for it.` : ''}`,
        evidence: {
          host,
          records: records.map(plain),
          ...(context.wildcard ? { wildcard: context.wildcard, matchedName: context.wildcard } : {}),
        },
      }),
    );
  }
  return out;
}

async function followCname(ctx: CheckContext, record: CfDnsRecord, out: RecordsOutcome): Promise<void> {
  const target = record.content.replace(/\.$/, '').toLowerCase();
  let addresses: string[] = [];
  try {
    const answer = await ctx.ports.resolver.resolve(target, ctx.signal);
    addresses = answer.error ? [] : answer.addresses;
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) {
    // Let the origin probe resolve it (through the guard) and report what fails.
    out.origins.push({ address: target, source: 'dns', label: `CNAME ${target}` });
    return;
  }
  for (const address of addresses.slice(0, 4)) {
    const verdict = ctx.ports.addresses.check(address);
    if (!verdict.allowed) {
      out.findings.push(privateAddress(ctx.target.host, record, address, verdict.range, verdict.reason));
      continue;
    }
    out.origins.push({ address, source: 'dns', label: `CNAME ${target}` });
  }
}

export function privateAddress(
  host: string,
  record: CfDnsRecord,
  address: string,
  range: string,
  reason: string,
): Finding {
  const via = record.type === 'CNAME' ? ` (via CNAME ${record.content})` : '';
  return finding({
    code: 'dns.origin_private_address',
    severity: 'error',
    title: `${host} points at ${address}, which Cloudflare cannot reach`,
    detail: `The ${record.type} record${via} resolves to ${address}, inside ${range} (${reason}). Cloudflare's edge cannot connect to private, loopback, link-local or reserved addresses, so every proxied request fails. The bot did not probe it.`,
    evidence: {
      host,
      recordType: record.type,
      content: record.content,
      address,
      range,
      proxied: record.proxied,
    },
  });
}

function plain(r: CfDnsRecord): RecordEvidence {
  return { type: r.type, content: r.content, proxied: r.proxied };
}
