// Zone entry-point rulesets as the Rulesets API returns them (`GET /zones/{id}/rulesets/{id}`):
// shapes from the SDK's `rulesets/rules.d.ts` (RouteRule, SetConfigRule) and the documented
// examples (developers.cloudflare.com/rules/origin-rules/create-api/ and /parameters/:
// `"action_parameters": { "host_header": …, "origin": { "host": …, "port": … }, "sni": { "value": … } }`;
// /rules/configuration-rules/ for `set_config` with `ssl`; SDK SetCacheSettingsRule and
// developers.cloudflare.com/cache/how-to/cache-rules/create-api/ for `set_cache_settings`).

export interface RouteParams {
  host_header?: string;
  origin?: { host?: string; port?: number };
  sni?: { value: string };
}

let counter = 0;
function ruleId(): string {
  counter += 1;
  return `${counter.toString(16).padStart(8, '0')}e1b24d3c9f8a4b6e8d0c1a2b3c4d5e6f`.slice(0, 32);
}

function rule(action: string, expression: string, params: Record<string, unknown>, description: string) {
  const id = ruleId();
  return {
    id,
    version: '1',
    action,
    expression,
    description,
    last_updated: '2026-11-20T09:14:03.512Z',
    ref: id,
    enabled: true,
    action_parameters: params,
  };
}

export function routeRule(expression: string, params: RouteParams, description = 'Origin rule') {
  return rule('route', expression, params as Record<string, unknown>, description);
}

/** A Cache Rule (`set_cache_settings`); `read_timeout` is the proxy read timeout in seconds (Enterprise). */
export function cacheRule(expression: string, params: Record<string, unknown>, description = 'Cache rule') {
  return rule('set_cache_settings', expression, params, description);
}

export function setConfigRule(expression: string, ssl: string, description = 'Configuration rule') {
  return rule('set_config', expression, { ssl }, description);
}

function entryPoint(phase: string, rules: unknown[]): Record<string, unknown> {
  return {
    id: ruleId(),
    name: 'default',
    description: '',
    kind: 'zone',
    version: String(rules.length + 1),
    rules,
    last_updated: '2026-11-20T09:14:03.512Z',
    phase,
  };
}

export function originRuleset(...rules: unknown[]): Record<string, unknown> {
  return entryPoint('http_request_origin', rules);
}

export function configRuleset(...rules: unknown[]): Record<string, unknown> {
  return entryPoint('http_config_settings', rules);
}

export function cacheRuleset(...rules: unknown[]): Record<string, unknown> {
  return entryPoint('http_request_cache_settings', rules);
}

/** A managed ruleset every zone lists (its phase is not one the bot reads). */
export function managedRuleset(): Record<string, unknown> {
  return {
    id: 'efb7b8c949ac4650a09736fc376e9aee',
    name: 'Cloudflare Managed Ruleset',
    description: 'Created by the Cloudflare security team',
    kind: 'managed',
    version: '74',
    last_updated: '2026-11-18T16:00:00Z',
    phase: 'http_request_firewall_managed',
  };
}
