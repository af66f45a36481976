// Applies a zone's Origin Rules, Configuration Rules and Cache Rules (only their read timeout) to
// the one request being diagnosed, the
// way the ruleset engine runs a phase: every enabled rule whose filter matches executes in order,
// and a later rule's override of the same setting replaces an earlier one. A Host header override
// also sets the SNI unless an SNI override says otherwise (developers.cloudflare.com/rules/
// origin-rules/features/). Rules whose filter the bot cannot decide are listed, never applied.
import type { CfOriginRulesets, CfRule } from '../../cloudflare-reader.js';
import type { AppliedRule, OriginRoute, SslMode } from '../../facts.js';
import { evaluateExpression, type RequestFields } from './rule-expression.js';

const MODES: readonly SslMode[] = ['off', 'flexible', 'full', 'strict', 'origin_pull'];
const MODE_NAMES: Record<SslMode, string> = {
  off: 'Off',
  flexible: 'Flexible',
  full: 'Full',
  strict: 'Full (strict)',
  origin_pull: 'Strict (SSL-only origin pull)',
};

export function modeName(mode: SslMode): string {
  return MODE_NAMES[mode];
}

export function applyRules(rulesets: CfOriginRulesets, request: RequestFields): OriginRoute {
  const route: OriginRoute = { rules: [], uncertain: [] };
  let sniOverride: string | undefined;
  for (const [phase, rules] of [
    ['origin', rulesets.origin],
    ['config', rulesets.config],
    ['cache', rulesets.cache ?? []],
  ] as const) {
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const changes = CHANGES[phase](rule);
      if (changes.length === 0) continue;
      const applied: AppliedRule = { id: rule.id, phase, expression: rule.expression, changes };
      if (rule.description) applied.description = rule.description;
      const match = evaluateExpression(rule.expression, request);
      if (match === 'unknown') {
        route.uncertain.push(applied);
        continue;
      }
      if (!match) continue;
      route.rules.push(applied);
      if (rule.hostHeader) route.hostHeader = rule.hostHeader;
      if (rule.sni) sniOverride = rule.sni;
      if (rule.originHost) route.resolveHost = rule.originHost;
      if (rule.originPort !== undefined) route.port = rule.originPort;
      const mode = phase === 'config' ? sslModeOf(rule.ssl) : undefined;
      if (mode) route.sslMode = mode;
      if (phase === 'cache' && rule.readTimeoutS !== undefined) route.readTimeoutS = rule.readTimeoutS;
    }
  }
  const sni = sniOverride ?? route.hostHeader;
  if (sni) route.sni = sni;
  return route;
}

function routeChanges(rule: CfRule): string[] {
  if (rule.action !== 'route') return [];
  const out: string[] = [];
  if (rule.hostHeader) out.push(`Host header ${rule.hostHeader}`);
  if (rule.sni) out.push(`SNI ${rule.sni}`);
  if (rule.originHost) out.push(`DNS record ${rule.originHost}`);
  if (rule.originPort !== undefined) out.push(`destination port ${rule.originPort}`);
  return out;
}

function configChanges(rule: CfRule): string[] {
  const mode = rule.action === 'set_config' ? sslModeOf(rule.ssl) : undefined;
  return mode ? [`SSL/TLS mode ${modeName(mode)}`] : [];
}

/** Of a Cache Rule only its read timeout changes how Cloudflare waits for the origin. */
function cacheChanges(rule: CfRule): string[] {
  return rule.action === 'set_cache_settings' && rule.readTimeoutS !== undefined
    ? [`proxy read timeout ${rule.readTimeoutS} s`]
    : [];
}

const CHANGES = { origin: routeChanges, config: configChanges, cache: cacheChanges } as const;

function sslModeOf(value: string | undefined): SslMode | undefined {
  return MODES.find((m) => m === value);
}
