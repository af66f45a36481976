// Which guarded fixes a report's evidence supports. Pure: reads the report (as jobs carry it), so the
// buttons under a summary, a click an hour later and the CLI all derive the same plans.
// - purge:           the edge served a cached 5xx (edge.cached_error)
// - rollback:        the likely trigger (change.suspect) has a known previous value
// - ssl-full:        Full (strict) fails on the origin certificate: Full while it is fixed
// - http2-off:       the origin breaks HTTP/2 (origin.http2_broken)
// - disable-origin:  a failing origin in a pool that still has healthy ones (lb.*)
// - enable-fallback: every default pool is down and the fallback pool is disabled (lb.*)
import type { Change } from '../diagnosis/change.js';
import type { FindingCode } from '../diagnosis/codes.js';
import { anyEvidence, type EvidenceOf } from '../diagnosis/evidence.js';
import { type FindingOf, hasCode } from '../diagnosis/finding.js';
import type { Report } from '../diagnosis/report.js';
import { type FixPlan, fixKey, recordText } from './fix-plan.js';

const CERT_CODES = [
  'origin.tls_cert_expired',
  'origin.tls_cert_untrusted',
  'origin.tls_cert_hostname_mismatch',
];

export function planFixes(report: Report): FixPlan[] {
  const zone = evidenceOf(report, 'cloudflare.zone_ok');
  const zoneId = text(zone?.zoneId);
  if (!zoneId) return [];
  const accountId = text(zone?.accountId);
  const plans: FixPlan[] = [];
  const site = report.site;
  const problem = <C extends FindingCode>(code: C) =>
    report.findings.find(
      (f): f is FindingOf<C> => hasCode(f, code) && (f.severity === 'error' || f.severity === 'warn'),
    );

  if (problem('edge.cached_error')) {
    plans.push({
      action: 'purge',
      site,
      title: 'Purge the failing URL',
      what: `Cloudflare's cached copy of ${report.url}`,
      from: 'a cached error page served to visitors',
      to: 'purged: the next request goes to the origin',
      target: { kind: 'purge', zoneId, urls: [report.url] },
    });
  }

  const suspect = problem('change.suspect');
  const rollback = rollbackOf(suspect);
  if (rollback?.kind === 'setting') {
    plans.push({
      action: 'rollback',
      site,
      title: `Roll back ${rollback.label}`,
      what: rollback.label,
      from: rollback.current,
      to: rollback.previous,
      target: {
        kind: 'setting',
        zoneId,
        setting: rollback.setting,
        from: rollback.current,
        to: rollback.previous,
      },
    });
  } else if (rollback?.kind === 'dns_record') {
    plans.push({
      action: 'rollback',
      site,
      title: `Roll back the DNS record ${rollback.name}`,
      what: `DNS record ${rollback.name}`,
      from: recordText(rollback.current),
      to: recordText(rollback.previous),
      target: {
        kind: 'dns_record',
        zoneId,
        recordId: rollback.recordId,
        name: rollback.name,
        from: rollback.current,
        to: {
          type: rollback.previous.type,
          content: rollback.previous.content,
          proxied: rollback.previous.proxied,
        },
      },
    });
  }

  const mode = text(evidenceOf(report, 'ssl.mode')?.mode);
  const badCert = report.findings.find((f) => CERT_CODES.includes(f.code) && f.severity === 'error');
  if (mode === 'strict' && badCert) {
    plans.push({
      action: 'ssl-full',
      site,
      title: 'Set SSL/TLS to Full while the certificate is fixed',
      what: 'SSL/TLS mode',
      from: 'strict',
      to: 'full',
      givesUp:
        "Cloudflare stops validating the origin's certificate (expiry, trust, name): the connection stays encrypted, but anything able to intercept traffic to the origin could impersonate it. Switch back to Full (strict) as soon as the certificate is fixed (Undo, or SSL/TLS → Overview).",
      target: { kind: 'setting', zoneId, setting: 'ssl', from: 'strict', to: 'full' },
    });
  }

  if (problem('origin.http2_broken')) {
    const current = text(evidenceOf(report, 'ssl.mode')?.originMaxHttpVersion) ?? '2';
    if (current !== '1') {
      plans.push({
        action: 'http2-off',
        site,
        title: 'Turn off HTTP/2 to origin',
        what: 'HTTP/2 to origin (origin_max_http_version)',
        from: current,
        to: '1',
        givesUp:
          'Cloudflare talks HTTP/1.1 to the origin: no multiplexing on the origin leg (visitors keep HTTP/2 and HTTP/3).',
        target: { kind: 'setting', zoneId, setting: 'origin_max_http_version', from: current, to: '1' },
      });
    }
  }

  if (accountId) plans.push(...lbPlans(report, site, accountId));
  // The same write offered twice (a roll-back that is also "Full while fixed"): keep the first,
  // with what the other says it gives up.
  const byKey = new Map<string, FixPlan>();
  for (const plan of plans) {
    const first = byKey.get(fixKey(plan));
    if (!first) byKey.set(fixKey(plan), plan);
    else if (!first.givesUp && plan.givesUp) first.givesUp = plan.givesUp;
  }
  return [...byKey.values()];
}

const LB_CODES = ['lb.ok', 'lb.pool_unhealthy', 'lb.no_healthy_pool', 'lb.fallback_serving'] as const;

function lbPlans(report: Report, site: string, accountId: string): FixPlan[] {
  const lb = report.findings.find(
    (f): f is FindingOf<(typeof LB_CODES)[number]> =>
      LB_CODES.some((code) => hasCode(f, code)) &&
      (f.severity === 'error' || f.severity === 'warn') &&
      Array.isArray(anyEvidence(f).pools),
  );
  if (!lb) return [];
  const pools = lb.evidence.pools;
  const plans: FixPlan[] = [];
  const defaultsDown = pools
    .filter((p) => p.role === 'default')
    .every((p) => p.healthy === false || p.enabled === false);
  const fallback = pools.find((p) => p.role === 'fallback');
  if (defaultsDown && fallback?.id && fallback.enabled === false) {
    plans.push({
      action: 'enable-fallback',
      site,
      title: `Enable the fallback pool ${fallback.name ?? fallback.id}`,
      what: `Pool ${fallback.name ?? fallback.id}`,
      from: 'disabled',
      to: 'enabled',
      target: {
        kind: 'pool_enabled',
        accountId,
        poolId: fallback.id,
        pool: fallback.name ?? fallback.id,
        from: false,
        to: true,
      },
    });
  }
  // Only in a pool that still serves (healthy overall): disabling its failing origin stops the flapping.
  const degraded = pools.find(
    (p) => p.id && p.enabled !== false && p.healthy === true && (p.unhealthyOrigins ?? []).length > 0,
  );
  const origin = degraded?.unhealthyOrigins?.[0];
  if (degraded?.id && origin?.name) {
    const pool = degraded.name ?? degraded.id;
    plans.push({
      action: 'disable-origin',
      site,
      title: `Disable origin ${origin.name} in pool ${pool}`,
      what: `Origin ${origin.name}${origin.address ? ` (${origin.address})` : ''} in pool ${pool}`,
      from: 'enabled',
      to: 'disabled',
      givesUp:
        'The pool serves from its remaining origins only, with less capacity, until the origin is re-enabled (Undo).',
      target: {
        kind: 'pool_origin',
        accountId,
        poolId: degraded.id,
        pool,
        origin: origin.name,
        from: true,
        to: false,
      },
    });
  }
  return plans;
}

type KnownRollback =
  | { kind: 'setting'; label: string; setting: string; previous: string; current: string }
  | Extract<NonNullable<Change['rollback']>, { kind: 'dns_record' }>;

function rollbackOf(suspect: FindingOf<'change.suspect'> | undefined): KnownRollback | undefined {
  const change = suspect?.evidence.change;
  const r = change?.rollback;
  if (!change || !r) return undefined;
  if (r.kind === 'setting') return { ...r, label: change.what };
  return r;
}

function evidenceOf<C extends FindingCode>(report: Report, code: C): EvidenceOf<C> | undefined {
  return report.findings.find((f): f is FindingOf<C> => hasCode(f, code))?.evidence;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
