// Where Cloudflare really connects for this request: the zone's Origin Rules (Host header, SNI,
// DNS record and destination port overrides), Configuration Rules (SSL/TLS mode per host or path)
// and Cache Rules (the proxy read timeout per host or path), applied to the facts the origin probe
// uses. A probe that ignored a port override would knock on a door Cloudflare never uses. Every rule
// that applies is reported (`origin.rule_applied`); a resolve override to a name with no record is
// Cloudflare's 1016, named with that name.
import type { CheckContext } from '../../check.js';
import { isCloudflareApiError } from '../../cloudflare-api-error.js';
import type { CfDnsRecord, CfOriginRulesets, CloudflareReader } from '../../cloudflare-reader.js';
import type { AppliedRule, CloudflareFacts, OriginCandidate, OriginRoute } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import { apiFinding } from './api-finding.js';
import { applyRules, modeName } from './origin-rules.js';
import { privateAddress } from './records.js';

export type RulesetsRead = CfOriginRulesets | { failure: unknown };

/**
 * Starts the rules read. Cache Rules only for zones whose plan can set a read timeout with them
 * (Enterprise, or a plan the API did not name): elsewhere that read could not change the verdict.
 */
export function readRulesets(
  cf: CloudflareReader,
  zone: { id: string; plan?: string },
  signal: AbortSignal,
): Promise<RulesetsRead> {
  const cacheRules = zone.plan === undefined || /enterprise/i.test(zone.plan);
  return cf.originRulesets(zone.id, signal, { cacheRules }).catch((failure: unknown) => ({ failure }));
}

export async function readOriginRoute(
  ctx: CheckContext,
  cf: CloudflareReader,
  zone: { id: string; name: string; plan?: string },
  facts: CloudflareFacts,
  signal: AbortSignal,
  read: Promise<RulesetsRead> = readRulesets(cf, zone, signal),
): Promise<Finding[]> {
  const rulesets = await read;
  if ('failure' in rulesets) return [unreadable(rulesets.failure)];
  const { target } = ctx;
  const [path = '/', query = ''] = splitPath(target.path);
  const route = applyRules(rulesets, {
    host: target.host,
    path,
    query,
    scheme: target.scheme,
    zoneName: zone.name,
  });
  if (route.rules.length === 0 && route.uncertain.length === 0) return [];
  facts.route = route;
  const findings = route.rules.map((rule) => ruleFinding(rule, route, facts));
  if (route.uncertain.length > 0) findings.push(uncertainFinding(route.uncertain));

  if (route.sslMode && route.sslMode !== facts.sslMode) {
    if (facts.sslMode) facts.zoneSslMode = facts.sslMode;
    facts.sslMode = route.sslMode;
  }
  if (route.readTimeoutS !== undefined) {
    const rule = [...route.rules].reverse().find((r) => r.phase === 'cache');
    facts.proxyReadTimeoutS = route.readTimeoutS;
    facts.proxyReadTimeoutFrom = rule ? label(rule) : 'a Cache Rule';
  }
  if (route.resolveHost) {
    const resolved = await resolveOverride(ctx, cf, zone, route, signal);
    findings.push(...resolved.findings);
    facts.origins = resolved.origins;
  }
  if (route.port !== undefined) {
    facts.origins = facts.origins.map((origin) => ({ ...origin, port: route.port as number }));
  }
  return findings;
}

function splitPath(path: string): [string, string] {
  const at = path.indexOf('?');
  return at === -1 ? [path || '/', ''] : [path.slice(0, at) || '/', path.slice(at + 1)];
}

const KINDS = { origin: 'Origin Rule', config: 'Configuration Rule', cache: 'Cache Rule' } as const;
const PHASE_NAMES = {
  origin: 'http_request_origin',
  config: 'http_config_settings',
  cache: 'http_request_cache_settings',
} as const;

function label(rule: AppliedRule): string {
  const kind = KINDS[rule.phase];
  return rule.description ? `${kind} "${rule.description}"` : `${kind} ${rule.id}`;
}

function ruleFinding(rule: AppliedRule, route: OriginRoute, facts: CloudflareFacts): Finding {
  const zoneMode = facts.sslMode;
  const overridesMode = rule.phase === 'config' && route.sslMode !== undefined;
  const note =
    overridesMode && zoneMode && zoneMode !== route.sslMode
      ? ` The zone's own mode is ${modeName(zoneMode)}; for this request the rule's mode is the one Cloudflare uses.`
      : '';
  const hostNote =
    rule.phase === 'origin' &&
    route.hostHeader &&
    !route.rules.some((r) => r.changes.some((c) => c.startsWith('SNI')))
      ? ' A Host header override also sets the SNI Cloudflare sends.'
      : '';
  const zoneWait = facts.proxyReadTimeoutS;
  const effect =
    rule.phase === 'cache'
      ? `Cloudflare waits ${route.readTimeoutS} s for the origin's answer before showing 524 (the zone's own wait is ${zoneWait ?? 100} s${zoneWait === undefined ? ' unless changed' : ''}); slow answers are judged against it.`
      : `Cloudflare connects with ${rule.changes.join(', ')}; the origin probe did the same.`;
  return finding({
    code: 'origin.rule_applied',
    severity: 'info',
    title: `${label(rule)} applies: ${rule.changes.join(', ')}`,
    detail: `Its filter \`${rule.expression}\` matches this request, so ${effect}${hostNote}${note}`,
    evidence: {
      ruleId: rule.id,
      description: rule.description ?? null,
      phase: PHASE_NAMES[rule.phase],
      expression: rule.expression,
      changes: rule.changes,
      hostHeader: route.hostHeader ?? null,
      sni: route.sni ?? null,
      resolveHost: route.resolveHost ?? null,
      port: route.port ?? null,
      sslMode: route.sslMode ?? null,
      ...(rule.phase === 'cache' ? { readTimeoutS: route.readTimeoutS ?? null } : {}),
    },
  });
}

function uncertainFinding(rules: AppliedRule[]): Finding {
  return finding({
    code: 'origin.rule_applied',
    severity: 'info',
    title: `${rules.length} rule${rules.length > 1 ? 's' : ''} may apply to some visitors`,
    detail: `${rules.map((r) => `${label(r)} (${r.changes.join(', ')}; filter \`${r.expression}\`)`).join('; ')}: the filter depends on something the bot cannot know for a visitor (country, headers, IP…), so the probe did not apply ${rules.length > 1 ? 'them' : 'it'}. Visitors it matches reach the origin that way.`,
    evidence: {
      rules: rules.map((r) => ({
        ruleId: r.id,
        description: r.description ?? null,
        changes: r.changes,
        expression: r.expression,
      })),
    },
  });
}

/** Without the permission the probe keeps the defaults: worth saying, not an alarm. */
function unreadable(error: unknown): Finding {
  if (isCloudflareApiError(error) && error.kind === 'auth') {
    return finding({
      code: 'cloudflare.auth_failed',
      severity: 'info',
      title: 'Origin and Configuration Rules were not read',
      detail: `The API token cannot read ${error.operation} (${error.permission ?? 'a rules permission'}): the origin probe uses the DNS record, the default ports and the zone's SSL mode. If the zone overrides the port, host or SNI with an Origin Rule, add that permission.`,
      evidence: {
        operation: error.operation,
        permission: error.permission ?? null,
        status: error.status ?? null,
      },
    });
  }
  return apiFinding(error);
}

async function resolveOverride(
  ctx: CheckContext,
  cf: CloudflareReader,
  zone: { id: string; name: string },
  route: OriginRoute,
  signal: AbortSignal,
): Promise<{ origins: OriginCandidate[]; findings: Finding[] }> {
  const name = (route.resolveHost ?? '').toLowerCase().replace(/\.$/, '');
  const rule = [...route.rules].reverse().find((r) => r.changes.some((c) => c.startsWith('DNS record')));
  const via = `Origin Rule → ${name}`;
  const inZone = name === zone.name || name.endsWith(`.${zone.name}`);
  // A name in another zone or outside Cloudflare: the prober resolves it publicly, through the guard.
  if (!inZone) return { origins: [{ address: name, source: 'dns', label: via }], findings: [] };
  let records: CfDnsRecord[];
  try {
    records = (await cf.dnsRecords(zone.id, name, signal)).filter((r) =>
      ['A', 'AAAA', 'CNAME'].includes(r.type),
    );
  } catch (error) {
    return { origins: [{ address: name, source: 'dns', label: via }], findings: [apiFinding(error)] };
  }
  if (records.length === 0) {
    return {
      origins: [],
      findings: [
        finding({
          code: 'origin.resolution_failed',
          severity: 'error',
          title: `The Origin Rule sends requests to ${name}, which has no DNS record`,
          detail: `${rule ? label(rule) : 'An Origin Rule'} overrides the DNS record to ${name}, but zone ${zone.name} has no A, AAAA or CNAME record by that name: Cloudflare cannot resolve where to connect and answers 530 with error 1016 (origin DNS error).`,
          evidence: {
            address: name,
            record: null,
            zone: zone.name,
            ruleId: rule?.id ?? null,
            rule: rule?.description ?? null,
            errorCode: 'ENOTFOUND',
          },
        }),
      ],
    };
  }
  const origins: OriginCandidate[] = [];
  const findings: Finding[] = [];
  for (const record of records) {
    if (record.type === 'CNAME') {
      origins.push({
        address: record.content.replace(/\.$/, ''),
        source: 'dns',
        label: `${via} (CNAME ${record.content})`,
      });
      continue;
    }
    const verdict = ctx.ports.addresses.check(record.content);
    if (!verdict.allowed) {
      findings.push(privateAddress(name, record, record.content, verdict.range, verdict.reason));
      continue;
    }
    origins.push({ address: record.content, source: 'dns', label: `${via} (${record.type} record)` });
  }
  return { origins, findings };
}
