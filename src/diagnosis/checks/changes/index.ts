// What changed: the account's audit log for the zone over the last 24 hours, kept to the changes a
// diagnosis depends on (classify.ts). Listed as `change.recent` (info); whether one of them is the
// likely trigger is decided after correlation, once the primary cause is known (change-suspect.ts).
// One API call. A token without "Account Settings Read" gets an info finding, not a warning: the
// rest of the diagnosis does not need the log.

import { type Change, describeChange } from '../../change.js';
import type { Check } from '../../check.js';
import { isCloudflareApiError } from '../../cloudflare-api-error.js';
import type { ChangeFacts } from '../../facts.js';
import { finding } from '../../finding.js';
import { apiFinding } from '../cloudflare/api-finding.js';
import { classify } from './classify.js';

const WINDOW_HOURS = 24;
/** Most changes kept in the report (newest first). */
const MAX_LISTED = 20;

export const changesCheck: Check<'changes'> = {
  name: 'changes',
  needs: ['cloudflare'],
  budgetMs: (options) => options.timeoutMs + 1500,
  async run(ctx) {
    const cf = ctx.ports.cloudflare;
    const zone = ctx.facts.cloudflare?.zone;
    if (!cf || !zone?.accountId) return { status: 'skipped', findings: [] };
    const since = new Date(ctx.ports.clock.now().getTime() - WINDOW_HOURS * 3600_000);
    let entries: Awaited<ReturnType<typeof cf.auditLog>>;
    try {
      entries = await cf.auditLog(zone.accountId, zone.name, since, ctx.signal);
    } catch (error) {
      if (isCloudflareApiError(error) && error.kind === 'auth') {
        return {
          status: 'skipped',
          findings: [
            finding({
              code: 'change.unavailable',
              severity: 'info',
              title: 'Recent changes not read: the token cannot read the audit log',
              detail: `Listing what changed in ${zone.name} needs the "Account Settings Read" permission (${error.message}). Add it to CLOUDFLARE_API_TOKEN to see who changed what before the errors began.`,
              evidence: { permission: 'Account Settings:Read', status: error.status ?? null },
            }),
          ],
        };
      }
      return { status: 'failed', findings: [apiFinding(error)] };
    }
    const host = ctx.target.host;
    const changes = entries.flatMap((e) => classify(e, host) ?? []).slice(0, MAX_LISTED);
    const facts: ChangeFacts = { since: since.toISOString(), changes };
    if (ctx.options.errorsSince !== undefined) facts.errorsSince = ctx.options.errorsSince;
    return { status: 'passed', facts, findings: [recentFinding(host, changes, entries.length)] };
  },
};

function recentFinding(host: string, changes: Change[], read: number) {
  if (changes.length === 0) {
    return finding({
      code: 'change.recent',
      severity: 'ok',
      title: `No changes in the last ${WINDOW_HOURS} h to what ${host} depends on`,
      detail: `The audit log holds ${read} entr${read === 1 ? 'y' : 'ies'} for the zone in the last ${WINDOW_HOURS} hours; none touches the host's DNS records, SSL/TLS or origin settings, rules, tunnels, load balancing or Workers.`,
      evidence: { changes: [], entriesRead: read },
    });
  }
  return finding({
    code: 'change.recent',
    severity: 'info',
    title: `${changes.length} recent change${changes.length === 1 ? '' : 's'} to what ${host} depends on`,
    detail: changes
      .slice(0, 8)
      .map((c) => `• ${describeChange(c)}`)
      .join('\n'),
    evidence: { changes, entriesRead: read },
  });
}
