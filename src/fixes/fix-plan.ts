// A guarded fix, as data: which one-write change the evidence supports, exactly what it changes
// (from → to, shown in the preview and checked against the live value before writing), and how to
// put it back (the inverse, offered as Undo for an hour).

export const FIX_ACTIONS = [
  'purge',
  'rollback',
  'ssl-full',
  'http2-off',
  'disable-origin',
  'enable-fallback',
] as const;
export type FixAction = (typeof FIX_ACTIONS)[number];

export function isFixAction(value: string): value is FixAction {
  return (FIX_ACTIONS as readonly string[]).includes(value);
}

export interface RecordValue {
  type: string;
  content: string;
  proxied: boolean;
}

/** The one API write a fix makes; `from` is what the live value must still be, `to` what it becomes. */
export type FixTarget =
  | { kind: 'purge'; zoneId: string; urls: string[] }
  | { kind: 'setting'; zoneId: string; setting: string; from: string; to: string }
  | { kind: 'dns_record'; zoneId: string; recordId: string; name: string; from: RecordValue; to: RecordValue }
  | {
      kind: 'pool_origin';
      accountId: string;
      poolId: string;
      pool: string;
      origin: string;
      from: boolean;
      to: boolean;
    }
  | { kind: 'pool_enabled'; accountId: string; poolId: string; pool: string; from: boolean; to: boolean };

export interface FixPlan {
  action: FixAction;
  site: string;
  /** Button label: "Roll back SSL/TLS mode". */
  title: string;
  /** The preview, exactly: what changes, from → to. */
  what: string;
  from: string;
  to: string;
  /** What protection or behaviour the fix gives up, when it gives any up. */
  givesUp?: string;
  target: FixTarget;
}

/** Identifies the change itself (not who asked): the same fix clicked twice has the same key. */
export function fixKey(plan: FixPlan): string {
  const t = plan.target;
  switch (t.kind) {
    case 'purge':
      return `purge|${t.zoneId}|${t.urls.join(',')}`;
    case 'setting':
      return `setting|${t.zoneId}|${t.setting}|${t.from}>${t.to}`;
    case 'dns_record':
      return `dns|${t.zoneId}|${t.recordId}|${recordText(t.from)}>${recordText(t.to)}`;
    case 'pool_origin':
      return `origin|${t.poolId}|${t.origin}|${t.from}>${t.to}`;
    case 'pool_enabled':
      return `pool|${t.poolId}|${t.from}>${t.to}`;
  }
}

/** The write that puts a fix back (none for a purge: there is nothing to restore). */
export function inverseOf(plan: FixPlan): FixPlan | undefined {
  const t = plan.target;
  if (t.kind === 'purge') return undefined;
  const target = { ...t, from: t.to, to: t.from } as FixTarget;
  return { ...plan, title: `Undo: ${plan.title}`, from: plan.to, to: plan.from, target };
}

export function recordText(r: RecordValue): string {
  return `${r.type} ${r.content} (${r.proxied ? 'proxied' : 'DNS only'})`;
}

/** The preview as text, for the CLI, a Slack modal and a Discord confirmation alike. */
export function previewText(plan: FixPlan): string {
  const lines = [`${plan.what}: ${plan.from} → ${plan.to}`];
  if (plan.givesUp) lines.push(`Gives up: ${plan.givesUp}`);
  return lines.join('\n');
}
