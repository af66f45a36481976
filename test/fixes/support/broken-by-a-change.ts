// A site an SSL/TLS change broke, as chat tests need it: a Diagnoser whose report (built by the real
// finding() helper) carries the evidence that supports a roll-back (zone, Full (strict), a
// self-signed origin certificate, the suspect change), and the fake API's zone to apply it to.
import type { Diagnoser } from '../../../src/diagnoser.js';
import type { Change } from '../../../src/diagnosis/change.js';
import type { Report } from '../../../src/diagnosis/report.js';
import type { FakeScenario } from '../../fakes/cloudflare-api/scenario.js';
import { ACCOUNT_ID, aRecordZone, ZONE_ID } from '../../support/cloudflare-scenarios.js';
import { reported } from '../../support/findings.js';

/** The audit-log change that broke it: SSL/TLS mode Full → Full (strict), `minutesAgo` before now. */
export function sslStrictChange(minutesAgo = 12): Change {
  return {
    id: 'e1',
    when: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    who: 'alice@example.com',
    kind: 'setting',
    what: 'SSL/TLS mode',
    target: 'ssl',
    action: 'changed',
    from: 'full',
    to: 'strict',
    rollback: { kind: 'setting', setting: 'ssl', previous: 'full', current: 'strict' },
  };
}

export function brokenReport(site: string): Report {
  const change = sslStrictChange();
  const cause = reported({
    code: 'origin.tls_cert_untrusted',
    severity: 'error',
    title: 'The origin certificate is self-signed',
    detail: 'Cloudflare answers 526 under Full (strict).',
  });
  return {
    site,
    url: `https://${site}/`,
    verdict: 'failing',
    primaryCause: 'origin.tls_cert_untrusted',
    findings: [
      reported({
        code: 'cloudflare.zone_ok',
        severity: 'ok',
        title: 'Zone example.com is active',
        detail: '',
        evidence: { zone: 'example.com', zoneId: ZONE_ID, accountId: ACCOUNT_ID },
      }),
      reported({
        code: 'ssl.mode',
        severity: 'info',
        title: 'SSL/TLS mode Full (strict)',
        detail: '',
        evidence: { mode: 'strict' },
      }),
      cause,
      reported({
        code: 'change.suspect',
        severity: 'error',
        title: 'Likely trigger: SSL/TLS mode changed 12 min before the errors began',
        detail: 'SSL/TLS mode: full → strict, by alice@example.com',
        evidence: { change, triggerOf: cause.code },
      }),
    ],
    checks: [{ name: 'origin', status: 'failed', durationMs: 5 }],
    startedAt: new Date().toISOString(),
    durationMs: 5,
    cloudflareApiCalls: 6,
  };
}

export function brokenDiagnoser(): Diagnoser & { runs: number } {
  const diagnoser = {
    runs: 0,
    async run(target: { host: string }) {
      diagnoser.runs += 1;
      return brokenReport(target.host);
    },
    close: async () => {},
  };
  return diagnoser as Diagnoser & { runs: number };
}

/** The zone the report describes, on the fake API, in Full (strict). */
export function strictZone(): FakeScenario {
  const s = aRecordZone();
  s.settings[ZONE_ID]!['ssl'] = 'strict';
  return s;
}
