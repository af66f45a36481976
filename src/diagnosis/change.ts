// A recent configuration change, as the `changes` check reads it from Cloudflare's audit log and
// keeps it: only changes to what a diagnosis depends on, in words a responder can act on.

/** The piece of configuration a change touched. */
export type ChangeKind =
  | 'dns'
  | 'setting'
  | 'origin_rules'
  | 'config_rules'
  | 'rules'
  | 'tunnel'
  | 'load_balancer'
  | 'workers'
  | 'waf'
  | 'cache_rules';

/** How to put a change back with one API write (absent when the log does not say what it was). */
export type Rollback =
  | {
      kind: 'dns_record';
      recordId: string;
      name: string;
      /** The record before the change, to write back. */
      previous: { type: string; content: string; proxied: boolean; ttl?: number };
      /** What the change made it, to check nobody changed it again since. */
      current: { type: string; content: string; proxied: boolean };
    }
  | { kind: 'setting'; setting: string; previous: string; current: string };

export interface Change {
  /** The audit-log entry id. */
  id: string;
  /** RFC 3339. */
  when: string;
  /** The actor's email, or what kind of actor it was ("Cloudflare (system)"). */
  who: string;
  kind: ChangeKind;
  /** What was changed, for humans: "DNS A record shop.example.com", "SSL/TLS mode". */
  what: string;
  /** Record name, setting id, ruleset phase…: what the piece matchers compare. */
  target?: string;
  action: 'created' | 'changed' | 'deleted';
  from?: string;
  to?: string;
  rollback?: Rollback;
}

/** One line: "SSL/TLS mode: full → strict, by alice@example.com at 12:03 UTC". */
export function describeChange(change: Change): string {
  const values =
    change.from !== undefined || change.to !== undefined
      ? `: ${change.from ?? '(none)'} → ${change.to ?? '(none)'}`
      : ` ${change.action}`;
  return `${change.what}${values}, by ${change.who} at ${clock(change.when)}`;
}

function clock(iso: string): string {
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
