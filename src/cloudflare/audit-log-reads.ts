// The account's audit log for one zone: "what changed?". Uses v1 `GET /accounts/{id}/audit_logs`
// (SDK `auditLogs.list`), not v2 `logs/audit` (SDK `accounts.logs.audit.list`), because only v1 entries
// carry the before/after values (`oldValueJson`/`newValueJson`, `oldValue`/`newValue`) a from → to
// line and a roll-back need; v2 carries the raw request instead. Both are in cloudflare@7.3.0.
// Permission: "Account Settings Read" (OpenAPI `x-api-token-group` of operation
// audit-logs-get-account-audit-logs). ONE request: the newest 200 entries of the zone since `since`
// (per_page allows up to 1000; 200 covers a busy day of one zone without a second page).
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { CfAuditEntry } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { bool, obj, str } from './read-json.js';

const OP = { name: 'audit log', permission: PERMISSIONS.accountSettings };
const PER_PAGE = 200;

export async function auditLog(
  api: ApiClient,
  accountId: string,
  zoneName: string,
  since: Date,
  signal: AbortSignal,
): Promise<CfAuditEntry[]> {
  const page = await api.call(OP, signal, (o) =>
    api.sdk.auditLogs.list(
      {
        account_id: accountId,
        zone: { name: zoneName },
        since: since.toISOString(),
        direction: 'desc',
        per_page: PER_PAGE,
        page: 1,
      },
      o,
    ),
  );
  return (page.getPaginatedItems() as unknown[]).flatMap((item) => {
    const entry = toEntry(item);
    return entry ? [entry] : [];
  });
}

function toEntry(item: unknown): CfAuditEntry | undefined {
  const o = obj(item);
  const id = str(o?.['id']);
  const when = str(o?.['when']);
  const action = obj(o?.['action']);
  const type = str(action?.['type']);
  if (!o || !id || !when || !type || Number.isNaN(Date.parse(when))) return undefined;
  const entry: CfAuditEntry = {
    id,
    when,
    action: type,
    succeeded: bool(action?.['result']) ?? true,
    metadata: obj(o['metadata']) ?? {},
  };
  const actor = obj(o['actor']);
  if (actor) {
    const who: NonNullable<CfAuditEntry['actor']> = {};
    const email = str(actor['email']);
    const actorType = str(actor['type']);
    const ip = str(actor['ip']);
    if (email) who.email = email;
    if (actorType) who.type = actorType;
    if (ip) who.ip = ip;
    entry.actor = who;
  }
  const resource = obj(o['resource']);
  const resourceType = str(resource?.['type']);
  const resourceId = str(resource?.['id']);
  if (resourceType) entry.resourceType = resourceType;
  if (resourceId) entry.resourceId = resourceId;
  const iface = str(o['interface']);
  if (iface !== undefined) entry.interface = iface;
  const before = value(o['oldValueJson'], o['oldValue']);
  const after = value(o['newValueJson'], o['newValue']);
  if (before !== undefined) entry.oldValue = before;
  if (after !== undefined) entry.newValue = after;
  return entry;
}

/** The JSON form when present; else the string form, unless it is empty or the literal "null". */
function value(json: unknown, text: unknown): unknown {
  if (json !== undefined && json !== null) return json;
  const s = str(text);
  return s === undefined || s === '' || s === 'null' ? undefined : s;
}
