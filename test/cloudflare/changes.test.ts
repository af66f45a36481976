// "What changed?": the audit log read through the real SDK from the fake API (real entry shapes,
// test/fakes/audit-log-entries.ts), the changes check keeping what the host depends on, and the
// engine naming a change as the likely trigger only when it touches the failing piece in time.
import { describe, expect, it } from 'vitest';
import { renderSummary as discordSummary } from '../../src/chat/discord/render/render-summary.js';
import { renderSummary as slackSummary } from '../../src/chat/slack/render-summary.js';
import { login, originRulesChanged, recordChanged, settingChanged } from '../fakes/audit-log-entries.js';
import type { FakeScenario } from '../fakes/cloudflare-api/scenario.js';
import { codes, findingOf, runDiagnosis } from '../support/cloudflare-harness.js';
import { ACCOUNT_ID, HOST, TUNNEL_ID, tunnelZone, ZONE_ID } from '../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../support/fake-cloudflare-per-test.js';

const { start } = fakeCloudflarePerTest();

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const OLD_TUNNEL = '5e4c1d0a-2b1f-4c9e-8a7d-3f6b2c1d0e9f';
const cname = (target: string) => ({
  id: 'rec-shop',
  name: HOST,
  type: 'CNAME',
  content: `${target}.cfargotunnel.com`,
  proxied: true,
});

function downTunnel(entries: Record<string, unknown>[]): FakeScenario {
  const s = tunnelZone('down', 0);
  s.auditLogs[ACCOUNT_ID] = entries;
  return s;
}

describe('change.recent and change.suspect', () => {
  it('a DNS change of the host shortly before the outage is named the likely trigger, with its rollback', async () => {
    const s = downTunnel([
      recordChanged({
        zone: 'example.com',
        zoneId: ZONE_ID,
        before: cname(OLD_TUNNEL),
        after: cname(TUNNEL_ID),
        by: 'bob@example.com',
        when: minutesAgo(20),
      }),
    ]);
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1033 } });
    expect(report.primaryCause).toBe('tunnel.down');
    const list = codes(report);
    expect(list[list.indexOf('tunnel.down') + 1]).toBe('change.suspect');
    const suspect = findingOf(report, 'change.suspect');
    // No alert and no analytics start: the timing is not confirmed, so a warning, not an error.
    expect(suspect.severity).toBe('warn');
    expect(suspect.detail).toContain(`CNAME ${OLD_TUNNEL}.cfargotunnel.com (proxied) → CNAME ${TUNNEL_ID}`);
    expect(suspect.detail).toContain('bob@example.com');
    expect(suspect.evidence['change']).toMatchObject({
      rollback: {
        kind: 'dns_record',
        recordId: 'rec-shop',
        previous: { content: `${OLD_TUNNEL}.cfargotunnel.com` },
      },
    });
    expect(findingOf(report, 'change.recent').severity).toBe('info');
    // Rendered right under the primary cause, with the roll-back as a step, in Slack and Discord.
    const slack = JSON.stringify(slackSummary(report, undefined, 'private')[0]?.blocks);
    expect(slack.indexOf('Likely trigger')).toBeGreaterThan(slack.indexOf('Primary cause'));
    expect(slack).toContain('Roll it back');
    const embed = discordSummary(report, undefined, 'private').embeds?.[0];
    const field = embed?.fields?.find((f) => f.name.startsWith('Likely trigger'));
    expect(field?.value).toContain('Roll it back');
    expect(embed?.fields?.find((f) => f.name === 'Also seen')?.value ?? '').not.toContain('change.suspect');
  });

  it('a change that does not touch the failing piece is only listed', async () => {
    const s = downTunnel([
      settingChanged({
        zone: 'example.com',
        zoneId: ZONE_ID,
        setting: 'ssl',
        from: 'full',
        to: 'strict',
        by: 'alice@example.com',
        when: minutesAgo(15),
      }),
    ]);
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1033 } });
    expect(report.primaryCause).toBe('tunnel.down');
    expect(codes(report)).not.toContain('change.suspect');
    const recent = findingOf(report, 'change.recent');
    expect(recent.detail).toContain('SSL/TLS mode: full → strict, by alice@example.com');
  });

  it('a matching change made well before the errors is only listed', async () => {
    const s = downTunnel([
      recordChanged({
        zone: 'example.com',
        zoneId: ZONE_ID,
        before: cname(OLD_TUNNEL),
        after: cname(TUNNEL_ID),
        by: 'bob@example.com',
        when: minutesAgo(9 * 60),
      }),
    ]);
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1033 } });
    expect(codes(report)).toContain('change.recent');
    expect(codes(report)).not.toContain('change.suspect');
  });

  it('keeps only what the host depends on, and asks for one day of the zone in one request', async () => {
    const s = downTunnel([
      login('carol@example.com', minutesAgo(5)),
      recordChanged({
        zone: 'example.com',
        zoneId: ZONE_ID,
        before: { id: 'rec-api', name: 'api.example.com', type: 'A', content: '192.0.2.1', proxied: true },
        after: { id: 'rec-api', name: 'api.example.com', type: 'A', content: '192.0.2.2', proxied: true },
        by: 'carol@example.com',
        when: minutesAgo(6),
      }),
      originRulesChanged({ zone: 'example.com', by: 'dave@example.com', when: minutesAgo(30) }),
      settingChanged({
        zone: 'other.example',
        zoneId: 'z2',
        setting: 'ssl',
        from: 'full',
        to: 'flexible',
        by: 'eve@example.com',
        when: minutesAgo(7),
      }),
    ]);
    const api = await start(s);
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 530, code: 1033 } });
    const recent = findingOf(report, 'change.recent');
    const listed = recent.evidence['changes'] as { what: string; who: string }[];
    expect(listed.map((c) => c.what)).toEqual(['Origin Rules']);
    expect(recent.detail).not.toContain('carol');
    const calls = api.calls.filter((c) => c.path === `/accounts/${ACCOUNT_ID}/audit_logs`);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.query['zone.name']).toBe('example.com');
    expect(calls[0]?.query['direction']).toBe('desc');
    const since = Date.parse(calls[0]?.query['since'] ?? '');
    expect(Date.now() - since).toBeGreaterThan(23.9 * 3600_000);
    expect(Date.now() - since).toBeLessThan(24.1 * 3600_000);
    expect(report.cloudflareApiCalls).toBeLessThanOrEqual(12);
  });

  it('a token without the audit-log permission gets an info finding, not a warning', async () => {
    const s = downTunnel([]);
    s.faults.push({
      match: /audit_logs$/,
      status: 403,
      errors: [{ code: 10000, message: 'Authentication error' }],
    });
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 530, code: 1033 } });
    const unavailable = findingOf(report, 'change.unavailable');
    expect(unavailable.severity).toBe('info');
    expect(unavailable.detail).toContain('Account Settings Read');
    expect(codes(report)).not.toContain('cloudflare.auth_failed');
  });
});
