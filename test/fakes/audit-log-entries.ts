// Audit-log entries (v1, `GET /accounts/{id}/audit_logs`) in the shape the real API returns them.
// Sources of the shape:
// - cloudflare@7.3.0 `resources/shared.d.ts` `AuditLog` (id, action{result,type}, actor{email,id,ip,type},
//   interface, metadata, newValue, oldValue, owner{id}, resource{id,type}, when);
// - real captured entries in elastic/integrations `packages/cloudflare/data_stream/audit/_dev/test/
//   pipeline/test-audit.log`: DNS edits carry `oldValueJson`/`newValueJson` objects (content, id, name,
//   proxied, ttl, type, zone_id, zone_name) while `oldValue`/`newValue` are "" or "null"; `resource`
//   is `{ id: <legacy numeric id>, type: "DNS_record" }`; settings are `change_setting` on resource type
//   `zone` with `metadata: { name, type, value, zone_name }`;
// - Cloudflare's OpenAPI `aaa_audit-logs` schema (example `change_setting`, `oldValue` "high" →
//   `newValue` "low" for `security_level`): settings carry their before/after as strings.
// Ruleset, tunnel and load-balancer entries follow the same envelope; their exact resource type
// strings are not documented (marked "assumed" where used).

let n = 0;
function nextId(): string {
  n += 1;
  return `d5b0f326-1232-4452-8858-${String(n).padStart(12, '0')}`;
}

const actor = (email: string) => ({
  email,
  id: 'f6b5de0326bb5182b8a4840ee01ec774',
  ip: '198.51.100.7',
  type: 'user',
});
const OWNER = { id: '023e105f4ecef8ad9ca31a8372d0c353' };

export function settingChanged(options: {
  zone: string;
  zoneId: string;
  setting: string;
  from: string;
  to: string;
  by: string;
  when: Date;
}): Record<string, unknown> {
  return {
    action: { result: true, type: 'change_setting' },
    actor: actor(options.by),
    id: nextId(),
    interface: 'UI',
    metadata: { name: options.setting, type: 'crypto', value: options.to, zone_name: options.zone },
    newValue: options.to,
    oldValue: options.from,
    owner: OWNER,
    resource: { id: options.zoneId, type: 'zone' },
    when: options.when.toISOString(),
  };
}

export interface RecordShape {
  id: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  ttl?: number;
}

export function recordChanged(options: {
  zone: string;
  zoneId: string;
  before: RecordShape | null;
  after: RecordShape | null;
  by: string;
  when: Date;
}): Record<string, unknown> {
  const type = options.before && options.after ? 'rec_set' : options.after ? 'rec_add' : 'rec_del';
  const withZone = (r: RecordShape) => ({ ttl: 1, ...r, zone_id: options.zoneId, zone_name: options.zone });
  const entry: Record<string, unknown> = {
    action: { result: true, type },
    actor: actor(options.by),
    id: nextId(),
    interface: 'UI',
    metadata: { zone_name: options.zone },
    newValue: '',
    oldValue: '',
    owner: OWNER,
    resource: { id: '10715065354', type: 'DNS_record' },
    when: options.when.toISOString(),
  };
  if (options.before) entry['oldValueJson'] = withZone(options.before);
  if (options.after) entry['newValueJson'] = withZone(options.after);
  return entry;
}

/** Account-level noise that must never be listed (real entry types from the same capture). */
export function login(by: string, when: Date): Record<string, unknown> {
  return {
    action: { result: true, type: 'login' },
    actor: actor(by),
    id: nextId(),
    interface: '',
    metadata: {},
    newValue: '',
    oldValue: '',
    owner: OWNER,
    resource: { id: OWNER.id, type: 'account' },
    when: when.toISOString(),
  };
}

/** An Origin Rules ruleset update (resource type "ruleset" assumed; the phase names the product). */
export function originRulesChanged(options: {
  zone: string;
  by: string;
  when: Date;
}): Record<string, unknown> {
  return {
    action: { result: true, type: 'update' },
    actor: actor(options.by),
    id: nextId(),
    interface: 'API',
    metadata: { zone_name: options.zone, phase: 'http_request_origin' },
    newValue: '',
    oldValue: '',
    owner: OWNER,
    resource: { id: '2f2feab2026849078ba485f918791bdc', type: 'ruleset' },
    when: options.when.toISOString(),
  };
}
