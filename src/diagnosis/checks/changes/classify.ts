// Which audit-log entries matter to a diagnosis of this host, and what they changed. An entry is kept
// when it touches a piece Cloudflare uses to reach the origin: the host's DNS records, SSL/TLS and
// origin-facing zone settings, Origin/Configuration Rules, tunnels, load balancing, Workers, WAF and
// rate limiting, cache rules. Logins, tokens, purges, other hosts' records are dropped.
// The v1 log names resources loosely (`DNS_record`, `zone`, …; see the fixture's sources), so kinds
// are read from the resource type and, for rules, the ruleset phase the entry names.
import type { Change, ChangeKind, Rollback } from '../../change.js';
import type { CfAuditEntry } from '../../cloudflare-reader.js';

/** Zone settings that change how Cloudflare connects to the origin (SDK `zones/settings` ids). */
export const ORIGIN_SETTINGS: Readonly<Record<string, string>> = {
  ssl: 'SSL/TLS mode',
  ssl_automatic_mode: 'Automatic SSL/TLS',
  origin_max_http_version: 'HTTP/2 to origin',
  tls_client_auth: 'Authenticated Origin Pulls',
  always_use_https: 'Always Use HTTPS',
  origin_error_page_pass_thru: 'Origin error page pass-through',
  proxy_read_timeout: 'Proxy read timeout',
  min_tls_version: 'Minimum TLS version',
};

const PHASES: [RegExp, ChangeKind, string][] = [
  [/http_request_origin/, 'origin_rules', 'Origin Rules'],
  [/http_config_settings/, 'config_rules', 'Configuration Rules'],
  [/http_request_cache_settings/, 'cache_rules', 'Cache Rules'],
  [/http_request_firewall|http_ratelimit|http_request_sbfm/, 'waf', 'WAF rules'],
];

export function classify(entry: CfAuditEntry, host: string): Change | undefined {
  if (!entry.succeeded) return undefined;
  const type = (entry.resourceType ?? '').toLowerCase();
  if (type.includes('dns')) return dnsChange(entry, host);
  if (entry.action === 'change_setting') return settingChange(entry);
  const kind = otherKind(entry, type);
  if (!kind) return undefined;
  const change: Change = {
    id: entry.id,
    when: entry.when,
    who: who(entry),
    kind: kind.kind,
    what: kind.what,
    action: actionOf(entry.action),
  };
  if (kind.target) change.target = kind.target;
  return change;
}

function dnsChange(entry: CfAuditEntry, host: string): Change | undefined {
  const before = record(entry.oldValue);
  const after = record(entry.newValue);
  const name = (after ?? before)?.name;
  if (!name || !coversHost(name, host)) return undefined;
  const shown = after ?? before;
  const change: Change = {
    id: entry.id,
    when: entry.when,
    who: who(entry),
    kind: 'dns',
    what: `DNS ${shown?.type ?? ''} record ${name}`.replace('  ', ' '),
    target: name,
    action: before && after ? 'changed' : after ? 'created' : 'deleted',
  };
  if (before) change.from = recordText(before);
  if (after) change.to = recordText(after);
  if (before && after?.id) {
    const rollback: Rollback = {
      kind: 'dns_record',
      recordId: after.id,
      name,
      previous: { type: before.type, content: before.content, proxied: before.proxied },
      current: { type: after.type, content: after.content, proxied: after.proxied },
    };
    if (before.ttl !== undefined) rollback.previous.ttl = before.ttl;
    change.rollback = rollback;
  }
  return change;
}

function settingChange(entry: CfAuditEntry): Change | undefined {
  const name = String(entry.metadata['name'] ?? '').toLowerCase();
  const label = ORIGIN_SETTINGS[name];
  if (!label) return undefined;
  const from = scalar(entry.oldValue);
  const to = scalar(entry.newValue) ?? scalar(entry.metadata['value']);
  const change: Change = {
    id: entry.id,
    when: entry.when,
    who: who(entry),
    kind: 'setting',
    what: label,
    target: name,
    action: 'changed',
  };
  if (from !== undefined) change.from = from;
  if (to !== undefined) change.to = to;
  if (from !== undefined && to !== undefined && from !== to) {
    change.rollback = { kind: 'setting', setting: name, previous: from, current: to };
  }
  return change;
}

function otherKind(
  entry: CfAuditEntry,
  type: string,
): { kind: ChangeKind; what: string; target?: string } | undefined {
  if (type.includes('ruleset') || type.includes('rule')) {
    const text = JSON.stringify([entry.metadata, entry.newValue ?? null, entry.oldValue ?? null]);
    for (const [pattern, kind, what] of PHASES) {
      const phase = pattern.exec(text)?.[0];
      if (phase) return { kind, what, target: phase };
    }
    if (type.includes('page_rule')) return { kind: 'config_rules', what: 'Page Rules' };
    if (type.includes('firewall') || type.includes('rate_limit')) return { kind: 'waf', what: 'WAF rules' };
    return { kind: 'rules', what: `Rules (${entry.resourceType})` };
  }
  if (type.includes('tunnel')) return { kind: 'tunnel', what: 'Cloudflare Tunnel', ...idOf(entry) };
  if (/load_balanc|pool|monitor/.test(type)) {
    return { kind: 'load_balancer', what: `Load balancing ${entry.resourceType}`, ...idOf(entry) };
  }
  if (type.includes('worker')) return { kind: 'workers', what: `Workers ${entry.resourceType}` };
  if (/firewall|waf|rate_limit/.test(type)) return { kind: 'waf', what: 'WAF rules' };
  if (type.includes('cache') && entry.action !== 'purge') return { kind: 'cache_rules', what: 'Cache rules' };
  return undefined;
}

interface RecordValue {
  id?: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  ttl?: number;
}

function record(value: unknown): RecordValue | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o['name'] !== 'string' || typeof o['type'] !== 'string' || typeof o['content'] !== 'string')
    return undefined;
  const out: RecordValue = {
    name: o['name'].toLowerCase().replace(/\.$/, ''),
    type: o['type'],
    content: o['content'],
    proxied: o['proxied'] === true,
  };
  if (typeof o['id'] === 'string') out.id = o['id'];
  if (typeof o['ttl'] === 'number') out.ttl = o['ttl'];
  return out;
}

function recordText(r: RecordValue): string {
  return `${r.type} ${r.content} (${r.proxied ? 'proxied' : 'DNS only'})`;
}

/** The record's own name, or a wildcard one label above the host (`*.example.com`). */
function coversHost(name: string, host: string): boolean {
  if (name === host) return true;
  return name.startsWith('*.') && host.slice(host.indexOf('.') + 1) === name.slice(2);
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function idOf(entry: CfAuditEntry): { target?: string } {
  return entry.resourceId ? { target: entry.resourceId } : {};
}

function who(entry: CfAuditEntry): string {
  if (entry.actor?.email) return entry.actor.email;
  const type = entry.actor?.type?.toLowerCase();
  if (type === 'system' || type === 'cloudflare') return 'Cloudflare (system)';
  if (type === 'admin') return 'a Cloudflare admin';
  return 'an unknown actor';
}

function actionOf(action: string): Change['action'] {
  if (/add|create/i.test(action)) return 'created';
  if (/del|remove/i.test(action)) return 'deleted';
  return 'changed';
}
