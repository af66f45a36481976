// What changes where and how Cloudflare connects to the origin, beyond DNS and the zone's SSL mode:
// Origin Rules (`http_request_origin`: Host header, SNI, DNS record and port overrides),
// Configuration Rules (`http_config_settings`: the SSL mode per host or path), Cache Rules
// (`http_request_cache_settings`: `read_timeout`, the proxy read timeout per host or path) and
// Authenticated Origin Pulls (zone-level and per-hostname). Shapes: SDK `rulesets/rules.d.ts`
// (RouteRule, SetConfigRule, SetCacheSettingsRule), `origin-tls-client-auth/{settings,hostnames}.d.ts`.

import { isCloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { CfOriginPullSettings, CfOriginRulesets, CfRule } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { arr, bool, num, obj, str } from './read-json.js';

const LIST_OP = { name: 'Origin Rules', permission: PERMISSIONS.originRules };
const PHASE_OP = {
  http_request_origin: { name: 'Origin Rules', permission: PERMISSIONS.originRules },
  http_config_settings: { name: 'Configuration Rules', permission: PERMISSIONS.configRules },
  http_request_cache_settings: { name: 'Cache Rules', permission: PERMISSIONS.cacheRules },
};
const AOP_OP = { name: 'Authenticated Origin Pulls', permission: PERMISSIONS.sslCertificates };
const PHASES = {
  http_request_origin: 'origin',
  http_config_settings: 'config',
  http_request_cache_settings: 'cache',
} as const;
type Phase = keyof typeof PHASES;

/**
 * One `GET /zones/{id}/rulesets` (the list carries each ruleset's phase and kind, not its rules),
 * then `GET /zones/{id}/rulesets/{ruleset}` for the zone entry points of the phases that exist
 * (Cache Rules only when asked: most zones have them, few can change the read timeout with them).
 */
export async function originRulesets(
  api: ApiClient,
  zoneId: string,
  signal: AbortSignal,
  options: { cacheRules?: boolean } = {},
): Promise<CfOriginRulesets> {
  const zone = encodeURIComponent(zoneId);
  const list = await api.call(LIST_OP, signal, (o) => api.sdk.get<unknown>(`/zones/${zone}/rulesets`, o));
  const wanted = arr(obj(list)?.['result']).flatMap((item) => {
    const r = obj(item);
    const id = str(r?.['id']);
    const phase = str(r?.['phase']);
    // Only the zone's own entry point runs for the zone's traffic; managed rulesets are not these phases.
    if (!id || str(r?.['kind']) !== 'zone' || !phase || !(phase in PHASES)) return [];
    if (phase === 'http_request_cache_settings' && !options.cacheRules) return [];
    return [{ id, phase: phase as Phase }];
  });
  const out: Required<CfOriginRulesets> = { origin: [], config: [], cache: [] };
  const bodies = await Promise.all(
    wanted.map(({ id, phase }) =>
      api.call(PHASE_OP[phase], signal, (o) =>
        api.sdk.get<unknown>(`/zones/${zone}/rulesets/${encodeURIComponent(id)}`, o),
      ),
    ),
  );
  bodies.forEach((body, i) => {
    const phase = wanted[i]!.phase;
    out[PHASES[phase]].push(...arr(obj(obj(body)?.['result'])?.['rules']).flatMap(toRule));
  });
  return out;
}

/**
 * The rules of one phase's zone entry point, read directly (`…/rulesets/phases/{phase}/entrypoint`):
 * for `check502 doctor`, which tries each permission on its own. A phase the zone never used
 * answers 404 / 10003 "could not find entrypoint ruleset", which is no rules, not a failure.
 */
export async function entrypointRules(
  api: ApiClient,
  zoneId: string,
  phase: Phase,
  signal: AbortSignal,
): Promise<CfRule[]> {
  try {
    const body = await api.call(PHASE_OP[phase], signal, (o) =>
      api.sdk.get<unknown>(`/zones/${encodeURIComponent(zoneId)}/rulesets/phases/${phase}/entrypoint`, o),
    );
    return arr(obj(obj(body)?.['result'])?.['rules']).flatMap(toRule);
  } catch (error) {
    if (isCloudflareApiError(error) && error.kind === 'not_found') return [];
    throw error;
  }
}

function toRule(item: unknown): CfRule[] {
  const r = obj(item);
  const id = str(r?.['id']);
  const expression = str(r?.['expression']);
  const action = str(r?.['action']);
  if (!r || !id || expression === undefined || !action) return [];
  const rule: CfRule = { id, expression, action, enabled: bool(r['enabled']) ?? true };
  const description = str(r['description']);
  if (description) rule.description = description;
  const params = obj(r['action_parameters']);
  const hostHeader = str(params?.['host_header']);
  if (hostHeader) rule.hostHeader = hostHeader;
  const sni = str(obj(params?.['sni'])?.['value']);
  if (sni) rule.sni = sni;
  const origin = obj(params?.['origin']);
  const originHost = str(origin?.['host']);
  if (originHost) rule.originHost = originHost;
  const originPort = num(origin?.['port']);
  if (originPort !== undefined && Number.isInteger(originPort)) rule.originPort = originPort;
  const ssl = str(params?.['ssl']);
  if (ssl) rule.ssl = ssl;
  // Cache Rules: seconds between two reads from the origin (SetCacheSettingsRule.read_timeout).
  const readTimeout = num(params?.['read_timeout']);
  if (readTimeout !== undefined && readTimeout > 0) rule.readTimeoutS = readTimeout;
  return [rule];
}

/**
 * `GET /zones/{id}/origin_tls_client_auth/settings` (skipped when the bulk settings already said)
 * and `…/hostnames/{host}` together; a host with no per-hostname association answers 404, which
 * means "none", not a failure.
 */
export async function originPullSettings(
  api: ApiClient,
  zoneId: string,
  host: string,
  signal: AbortSignal,
  knownZoneEnabled?: boolean,
): Promise<CfOriginPullSettings> {
  const zone = encodeURIComponent(zoneId);
  const [zoneLevel, perHost] = await Promise.all([
    knownZoneEnabled !== undefined
      ? { result: { enabled: knownZoneEnabled } }
      : api.call(AOP_OP, signal, (o) =>
          api.sdk.get<unknown>(`/zones/${zone}/origin_tls_client_auth/settings`, o),
        ),
    api
      .call(AOP_OP, signal, (o) =>
        api.sdk.get<unknown>(
          `/zones/${zone}/origin_tls_client_auth/hostnames/${encodeURIComponent(host)}`,
          o,
        ),
      )
      .catch((error: unknown) => {
        if (isCloudflareApiError(error) && error.kind === 'not_found') return undefined;
        throw error;
      }),
  ]);
  const out: CfOriginPullSettings = {};
  const enabled = bool(obj(obj(zoneLevel)?.['result'])?.['enabled']);
  if (enabled !== undefined) out.zoneEnabled = enabled;
  const association = obj(obj(perHost)?.['result']);
  if (association) {
    const value = association['enabled'];
    if (value === null || typeof value === 'boolean') out.hostnameEnabled = value;
    const status = str(association['cert_status']) ?? str(association['status']);
    if (status) out.hostnameCertStatus = status;
  }
  return out;
}
