// Reads the zone for the Cloudflare check (index.ts): zone status, a load balancer named after the
// host (it takes precedence), else the DNS records (proxied? private address? tunnel?), the SSL/TLS
// mode and origin-facing settings, Cloudflare's IP ranges; hands the origins to the origin check.
import type { CheckContext, CheckResult } from '../../check.js';
import type { CfZone, CloudflareReader } from '../../cloudflare-reader.js';
import type { CloudflareFacts } from '../../facts.js';
import { type Finding, finding, hasCode } from '../../finding.js';
import { apiFinding, dedupe } from './api-finding.js';
import type { WildcardMissEvidence } from './evidence.js';
import { readLoadBalancer } from './lb.js';
import { readOriginRoute } from './origin-route.js';
import { isAddressRecord, type RecordsContext, readRecords, tunnelIdOf } from './records.js';
import { sslFinding, sslModeOf } from './ssl.js';
import { readTunnel } from './tunnel.js';
import { lookUpWildcard, type WildcardOutcome, wildcardMiss } from './wildcard-lookup.js';
import { isWorkerPlaceholder, matchRoute } from './workers.js';

export async function readZone(
  ctx: CheckContext,
  cf: CloudflareReader,
  signal: AbortSignal,
): Promise<CheckResult<CloudflareFacts>> {
  const host = ctx.target.host;
  const facts: CloudflareFacts = { origins: [] };
  const findings: Finding[] = [];
  const ranges = cf.ipRanges(signal).catch(() => undefined);
  const done = async (): Promise<CheckResult<CloudflareFacts>> => {
    const ipRanges = await ranges;
    if (ipRanges) facts.ipRanges = ipRanges;
    const out = dedupe(findings);
    const problem = out.some((f) => f.severity === 'error' || f.severity === 'warn');
    return { status: problem ? 'failed' : 'passed', findings: out, facts };
  };

  let zone: CfZone | null;
  try {
    zone = await cf.findZone(host, signal);
  } catch (error) {
    findings.push(apiFinding(error));
    return done();
  }
  if (!zone) {
    findings.push(
      finding({
        code: 'cloudflare.zone_not_found',
        severity: 'warn',
        title: `No Cloudflare zone covers ${host}`,
        detail: `None of the zones this API token can see is ${host} or one of its parent domains. Either the site is not on Cloudflare under this account, or the token is limited to other zones.`,
        evidence: { host },
      }),
    );
    return done();
  }
  facts.zone = { id: zone.id, name: zone.name, status: zone.status };
  if (zone.accountId) facts.zone.accountId = zone.accountId;
  findings.push(zoneFinding(zone));

  // The DNS records are read only when no load balancer answers for the host (it takes precedence):
  // one round trip more for plain hosts, one call of the twelve fewer for load-balanced ones.
  const [settings, lb] = await Promise.all([
    cf.zoneSettings(zone.id, signal).catch((e: unknown) => failed(e)),
    cf.loadBalancer(zone.id, host, signal).catch((e: unknown) => failed(e)),
  ]);
  if ('failure' in settings) findings.push(apiFinding(settings.failure));
  else {
    const mode = sslModeOf(settings);
    if (mode) facts.sslMode = mode;
    facts['settings'] = settings;
    const wait = Number(settings.proxyReadTimeout);
    if (settings.proxyReadTimeout !== undefined && Number.isFinite(wait) && wait > 0) {
      facts.proxyReadTimeoutS = wait;
      facts.proxyReadTimeoutFrom = "the zone's proxy_read_timeout";
    }
    findings.push(sslFinding(settings, mode));
  }
  if (lb && 'failure' in lb) findings.push(apiFinding(lb.failure));

  if (lb && !('failure' in lb) && lb.enabled) {
    const outcome = await readLoadBalancer(ctx, cf, zone.accountId, lb, signal);
    findings.push(...outcome.findings);
    facts.origins.push(...outcome.origins);
    facts.proxied = lb.proxied;
    facts['loadBalancer'] = { name: lb.name, pools: outcome.pools };
    findings.push(...(await lbOriginRoute(ctx, cf, zone, facts, outcome.findings, signal)));
    return done();
  }
  const records = await cf.dnsRecords(zone.id, host, signal).catch((e: unknown) => failed(e));
  if ('failure' in records) {
    findings.push(apiFinding(records.failure));
    return done();
  }
  const context: RecordsContext = {};
  let own = records;
  if (!own.some(isAddressRecord)) {
    const wild = await lookUpWildcard(cf, zone, host, records, signal);
    if (wild.failure !== undefined) findings.push(apiFinding(wild.failure));
    if (wild.records && wild.wildcard) {
      own = wild.records;
      context.wildcard = wild.wildcard;
    }
    const miss = wildcardMiss(host, wild);
    if (miss) context.wildcardMiss = { detail: miss, evidence: missEvidence(wild) };
  }
  const tunnelHost = own.some((r) => r.type === 'CNAME' && tunnelIdOf(r.content) !== undefined);
  // Workers routes: always for a placeholder record; otherwise when the budget leaves room for the
  // reads that follow (IP ranges, analytics, audit log).
  if (own.some(isWorkerPlaceholder) || (own.some(isAddressRecord) && !tunnelHost && cf.callsLeft >= 5)) {
    context.routes = await cf.workerRoutes(zone.id, signal).catch((e: unknown) => asError(e));
    if (context.routes instanceof Error) findings.push(apiFinding(context.routes));
  }
  // Workers Custom Domains (account-scoped): only for a host with no origin record, or with a
  // placeholder no route serves — the two cases where Cloudflare's own Worker would be mistaken
  // for a missing record or an unreachable address.
  const routed =
    Array.isArray(context.routes) && matchRoute(context.routes, host, ctx.target.path || '/')?.script;
  if (zone.accountId && (!own.some(isAddressRecord) || (own.some(isWorkerPlaceholder) && !routed))) {
    context.customDomains = await cf
      .workerDomains(zone.accountId, host, signal)
      .catch((e: unknown) => asError(e));
    if (context.customDomains instanceof Error) findings.push(apiFinding(context.customDomains));
  }
  const outcome = await readRecords(ctx, zone.name, own, context);
  findings.push(...outcome.findings);
  facts.origins.push(...outcome.origins);
  if (outcome.proxied !== undefined) facts.proxied = outcome.proxied;
  if (outcome.worker) facts['worker'] = outcome.worker;
  // Origin and Configuration Rules change where the probe must connect; a tunnel has no origin to
  // probe, so its hosts skip the read (and its API calls).
  if (!outcome.tunnelId && !outcome.worker && facts.origins.length > 0) {
    findings.push(...(await readOriginRoute(ctx, cf, zone, facts, signal)));
  }
  if (outcome.tunnelId) {
    const tunnel = await readTunnel(cf, host, zone.accountId, outcome.tunnelId, signal);
    findings.push(...tunnel.findings);
    if (tunnel.tunnel) facts.tunnel = tunnel.tunnel;
  }
  return done();
}

/** Calls kept for what follows the Cloudflare check (IP ranges, analytics, the audit log). */
const LATER_CALLS = 3;

/**
 * Origin and Configuration Rules for a load-balanced host, read after the pools (the pool health
 * and the monitor explain a failing pool first) and only when they can change the verdict: they
 * decide where the probe connects to the pools' origins, which matters unless no pool can take
 * the traffic at all (then Cloudflare answers 530/1016 whatever the origins do), and only within
 * the calls the later checks need.
 */
async function lbOriginRoute(
  ctx: CheckContext,
  cf: CloudflareReader,
  zone: CfZone,
  facts: CloudflareFacts,
  lbFindings: readonly Finding[],
  signal: AbortSignal,
): Promise<Finding[]> {
  if (facts.origins.length === 0) return [];
  const noPool = lbFindings.some(
    (f) => hasCode(f, 'lb.no_healthy_pool') && f.severity === 'error' && f.evidence.fallbackEnabled !== true,
  );
  if (noPool) return [];
  if (cf.callsLeft <= LATER_CALLS) {
    return [
      finding({
        code: 'cloudflare.budget_spent',
        severity: 'info',
        title: 'Origin and Configuration Rules not read (API call budget)',
        detail:
          "The load balancer's pools, health and monitor took the calls this diagnosis had for the zone; the origin probe connects to the pools' origins with the zone's SSL mode and default ports, which an Origin Rule or Configuration Rule could change.",
        evidence: { operation: 'Origin Rules', callsLeft: cf.callsLeft },
      }),
    ];
  }
  return readOriginRoute(ctx, cf, zone, facts, signal);
}

function zoneFinding(zone: CfZone): Finding {
  const evidence = {
    zone: zone.name,
    zoneId: zone.id,
    // Guarded fixes on load balancer pools address the account (src/fixes/plan-fixes.ts).
    ...(zone.accountId ? { accountId: zone.accountId } : {}),
    status: zone.status,
    paused: zone.paused,
    ...(zone.type ? { type: zone.type } : {}),
    nameServers: zone.nameServers,
  };
  if (zone.status !== 'active') {
    // A partial (CNAME) setup keeps DNS at another provider: it is verified by a TXT record,
    // not by nameservers (developers.cloudflare.com/dns/zone-setups/partial-setup/).
    const pending =
      zone.type === 'partial'
        ? `it is a partial (CNAME) setup whose ownership is not verified yet: the \`cloudflare-verify.${zone.name}\` TXT record Cloudflare asks for is missing or wrong at the zone's DNS provider, so Cloudflare does not serve it`
        : `its nameservers are not yet ${zone.nameServers.join(' and ') || "Cloudflare's"}, so Cloudflare does not serve it`;
    const why: Record<string, string> = {
      pending,
      initializing: 'it is still being set up and Cloudflare does not serve it yet',
      moved: 'its nameservers moved away from Cloudflare, so Cloudflare no longer serves it',
    };
    return finding({
      code: 'cloudflare.zone_inactive',
      severity: 'error',
      title: `Zone ${zone.name} is ${zone.status}`,
      detail: `The zone is ${zone.status}: ${why[zone.status] ?? 'Cloudflare does not serve it'}.`,
      evidence,
    });
  }
  if (zone.paused) {
    return finding({
      code: 'cloudflare.zone_inactive',
      severity: 'warn',
      title: `Zone ${zone.name} is paused`,
      detail:
        'Cloudflare is paused for this zone: it answers DNS but does not proxy, so visitors reach the origin directly.',
      evidence,
    });
  }
  return finding({
    code: 'cloudflare.zone_ok',
    severity: 'ok',
    title: `Zone ${zone.name} is active`,
    detail: `The zone covering the host is active${zone.plan ? ` (${zone.plan})` : ''}.`,
    evidence,
  });
}

function missEvidence(wild: WildcardOutcome): WildcardMissEvidence {
  if (wild.blocked) {
    const { wildcard, by } = wild.blocked;
    return {
      wildcard,
      wildcardBlockedBy: by.name,
      ...(by.types.length
        ? { blockingTypes: by.types }
        : { emptyNonTerminal: true as const, below: by.below }),
    };
  }
  return wild.noAddress ? { wildcard: wild.noAddress.wildcard, wildcardTypes: wild.noAddress.types } : {};
}

function failed(error: unknown): { failure: unknown } {
  return { failure: error };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
