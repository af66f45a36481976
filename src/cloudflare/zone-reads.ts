// Zone, DNS records and zone settings: list calls filtered by name on the server, pages followed
// only while result_info says more exist (the SDK's iterator would ask for one extra, empty page).

import { CloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { CfDnsRecord, CfZone, CfZoneSettings, SingleSettingId } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { bool, num, obj, str, strings } from './read-json.js';

const MAX_PAGES = 5;
const ZONE_OP = { name: 'zones', permission: PERMISSIONS.zone };
const DNS_OP = { name: 'DNS records', permission: PERMISSIONS.dns };
const SETTINGS_OP = { name: 'zone settings', permission: PERMISSIONS.zoneSettings };

/** Zones named exactly `name` (there can be one per account); the active one first. */
export async function zonesNamed(api: ApiClient, name: string, signal?: AbortSignal): Promise<CfZone[]> {
  const zones: CfZone[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await api.call(ZONE_OP, signal, (o) =>
      api.sdk.zones.list({ name, page, per_page: 50 }, o),
    );
    for (const item of result.result) {
      const zone = toZone(item);
      if (zone && zone.name.toLowerCase() === name) zones.push(zone);
    }
    if (!hasMore(result.result_info, page)) break;
  }
  return zones.sort((a, b) => rank(a) - rank(b));
}

/**
 * Every zone the token sees whose name ends with `suffix` (`GET /zones?name=ends_with:<suffix>`,
 * the list's documented filter operator), in ONE request for the usual account: a host's parent
 * zones are all among them, where asking for each candidate by name costs one request per label.
 * `complete` is false when more pages exist than were read (then a caller asks by exact name).
 */
export async function zonesEndingWith(
  api: ApiClient,
  suffix: string,
  signal?: AbortSignal,
): Promise<{ zones: CfZone[]; complete: boolean }> {
  const zones: CfZone[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await api.call(ZONE_OP, signal, (o) =>
      api.sdk.zones.list({ name: `ends_with:${suffix}`, page, per_page: 50 }, o),
    );
    for (const item of result.result) {
      const zone = toZone(item);
      if (zone) zones.push(zone);
    }
    if (!hasMore(result.result_info, page))
      return { zones: zones.sort((a, b) => rank(a) - rank(b)), complete: true };
  }
  return { zones: zones.sort((a, b) => rank(a) - rank(b)), complete: false };
}

function rank(zone: CfZone): number {
  if (zone.status === 'active' && !zone.paused) return 0;
  return zone.status === 'active' ? 1 : 2;
}

function toZone(item: unknown): CfZone | undefined {
  const o = obj(item);
  const id = str(o?.['id']);
  const name = str(o?.['name']);
  if (!o || !id || !name) return undefined;
  const zone: CfZone = {
    id,
    name,
    status: str(o['status']) ?? 'unknown',
    paused: bool(o['paused']) ?? false,
    nameServers: strings(o['name_servers']),
  };
  const accountId = str(obj(o['account'])?.['id']);
  if (accountId) zone.accountId = accountId;
  const plan = str(obj(o['plan'])?.['name']);
  if (plan) zone.plan = plan;
  const type = str(o['type']);
  if (type) zone.type = type;
  return zone;
}

export async function dnsRecords(
  api: ApiClient,
  zoneId: string,
  host: string,
  signal: AbortSignal,
): Promise<CfDnsRecord[]> {
  return listRecords(api, zoneId, { exact: host }, signal);
}

/**
 * Wildcard records that could answer for `host`: one request for every `*.` record of the zone
 * (`name.startswith=*.`; `name.exact=host` never returns them), kept when their parent is an
 * ancestor of the host, most specific first. DNS synthesises an answer from the closest wildcard
 * (RFC 4592), which Cloudflare proxies like any record
 * (developers.cloudflare.com/dns/manage-dns-records/reference/wildcard-dns-records/).
 */
export async function wildcardRecords(
  api: ApiClient,
  zoneId: string,
  host: string,
  signal: AbortSignal,
): Promise<CfDnsRecord[]> {
  const records = await listRecords(api, zoneId, { startswith: '*.' }, signal);
  const name = host.toLowerCase().replace(/\.$/, '');
  return records
    .filter((r) => {
      const parent = r.name.toLowerCase().replace(/\.$/, '').slice(2);
      return r.name.startsWith('*.') && name.endsWith(`.${parent}`);
    })
    .sort((a, b) => b.name.length - a.name.length);
}

/**
 * Records named `name` or below it: `name.endswith=<name>` (case-insensitive on the API), keeping
 * only `name` and `*.name` descendants (the filter also matches `xname`). Pages capped like the rest.
 */
export async function recordsUnder(
  api: ApiClient,
  zoneId: string,
  name: string,
  signal: AbortSignal,
): Promise<CfDnsRecord[]> {
  const n = name.toLowerCase().replace(/\.$/, '');
  const records = await listRecords(api, zoneId, { endswith: n }, signal);
  return records.filter((r) => {
    const rn = r.name.toLowerCase().replace(/\.$/, '');
    return rn === n || rn.endsWith(`.${n}`);
  });
}

async function listRecords(
  api: ApiClient,
  zoneId: string,
  name: { exact: string } | { startswith: string } | { endswith: string },
  signal: AbortSignal,
): Promise<CfDnsRecord[]> {
  const records: CfDnsRecord[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await api.call(DNS_OP, signal, (o) =>
      api.sdk.dns.records.list({ zone_id: zoneId, name, page, per_page: 100 }, o),
    );
    for (const item of result.result as unknown[]) {
      const r = obj(item);
      const type = str(r?.['type']);
      const recordName = str(r?.['name']);
      const content = str(r?.['content']);
      if (!r || !type || !recordName || content === undefined) continue;
      const record: CfDnsRecord = { type, name: recordName, content, proxied: bool(r['proxied']) ?? false };
      const ttl = num(r['ttl']);
      if (ttl !== undefined) record.ttl = ttl;
      records.push(record);
    }
    if (!hasMore(result.result_info, page)) break;
  }
  return records;
}

// `origin_max_http_version` and `ssl_automatic_mode` are NOT here: the bulk answer does not carry
// them (2024 OpenAPI `zone-settings-get-all-zone-settings` lists 57 ids without them; the API
// gateway routes those settings elsewhere, cloudflare/terraform-provider-cloudflare#493).
const SETTING_IDS: Record<string, keyof CfZoneSettings> = {
  ssl: 'ssl',
  min_tls_version: 'minTlsVersion',
  always_use_https: 'alwaysUseHttps',
  origin_error_page_pass_thru: 'originErrorPagePassThru',
  tls_client_auth: 'tlsClientAuth',
  proxy_read_timeout: 'proxyReadTimeout',
};

/**
 * All zone settings in ONE request (`GET /zones/{id}/settings`): the SDK has one method per setting,
 * which would cost five calls of the twelve-call budget for the settings we read.
 */
export async function zoneSettings(
  api: ApiClient,
  zoneId: string,
  signal: AbortSignal,
): Promise<CfZoneSettings> {
  const body = await api.call(SETTINGS_OP, signal, (o) =>
    api.sdk.get<unknown>(`/zones/${encodeURIComponent(zoneId)}/settings`, o),
  );
  const envelope = obj(body);
  if (!envelope || envelope['success'] === false || !Array.isArray(envelope['result'])) {
    throw new CloudflareApiError({
      kind: 'invalid',
      operation: SETTINGS_OP.name,
      message: 'the API answered zone settings without a list of settings',
    });
  }
  const settings: CfZoneSettings = {};
  for (const item of envelope['result']) {
    const o = obj(item);
    const key = SETTING_IDS[str(o?.['id']) ?? ''];
    const value = o?.['value'];
    if (key && (typeof value === 'string' || typeof value === 'number')) settings[key] = String(value);
  }
  return settings;
}

/**
 * One setting from its own endpoint, `GET /zones/{id}/settings/{setting}` (result `{id, value,
 * editable, modified_on}`; `ssl_automatic_mode` adds `next_scheduled_scan`). A zone without the
 * setting (404 / plan) reads as undefined.
 */
export async function zoneSetting(
  api: ApiClient,
  zoneId: string,
  id: SingleSettingId,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const body = await api.call({ ...SETTINGS_OP, name: `zone setting ${id}` }, signal, (o) =>
      api.sdk.get<unknown>(`/zones/${encodeURIComponent(zoneId)}/settings/${id}`, o),
    );
    const value = obj(obj(body)?.['result'])?.['value'];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  } catch (error) {
    if ((error as { kind?: unknown }).kind === 'not_found') return undefined;
    throw error;
  }
}

export function hasMore(info: unknown, page: number): boolean {
  const totalPages = num(obj(info)?.['total_pages']);
  return totalPages !== undefined && page < totalPages;
}
