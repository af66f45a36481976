// The correlation rules end to end: the zone read through the real SDK from the fake API, the
// probes' observations as the other checks report them, the engine naming the primary cause.
import { describe, expect, it } from 'vitest';
import { codes, findingOf, runDiagnosis } from '../support/cloudflare-harness.js';
import {
  aRecordZone,
  HOST,
  lbZone,
  ORIGIN_IP,
  tunnelZone,
  ZONE_ID,
} from '../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../support/fake-cloudflare-per-test.js';
import { originObservation } from '../support/observations.js';

const { start } = fakeCloudflarePerTest();

describe('primary cause from API + probes', () => {
  it('a private record explains the 522 and nothing is probed', async () => {
    const s = aRecordZone();
    s.records[ZONE_ID] = [{ type: 'A', name: HOST, content: '172.16.4.2', proxied: true }];
    const { report, cloudflareFacts } = await runDiagnosis(await start(s), HOST, {
      edge: { status: 522, code: 522 },
    });
    expect(report.primaryCause).toBe('dns.origin_private_address');
    expect(cloudflareFacts?.origins).toEqual([]);
    expect(findingOf(report, 'edge.error').detail).toContain('172.16.4.2');
  });

  it('a down tunnel explains the 1033', async () => {
    const { report } = await runDiagnosis(await start(tunnelZone('down', 0)), HOST, {
      edge: { status: 530, code: 1033 },
    });
    expect(report.primaryCause).toBe('tunnel.down');
    expect(report.verdict).toBe('failing');
  });

  it('a healthy tunnel with an edge 502: cloudflared cannot reach its service, quoted', async () => {
    const { report } = await runDiagnosis(
      await start(tunnelZone('healthy', 4, 'http://localhost:3000')),
      HOST,
      {
        edge: { status: 502, code: 502, blames: 'origin' },
      },
    );
    expect(report.primaryCause).toBe('tunnel.service_unreachable');
    const f = findingOf(report, 'tunnel.service_unreachable');
    expect(f.detail).toContain('http://localhost:3000');
    expect(f.remediation.join('\n')).toContain('http://localhost:3000');
  });

  it('an origin answering the bot while the edge shows 521 blocks Cloudflare; the live ranges are quoted', async () => {
    const s = aRecordZone();
    s.ips = { ipv4_cidrs: ['173.245.48.0/20', '103.21.244.0/22'], ipv6_cidrs: ['2400:cb00::/32'] };
    const { report } = await runDiagnosis(await start(s), HOST, {
      edge: { status: 521, code: 521 },
      origin: [originObservation('response', { port: 443, tls: true, address: ORIGIN_IP }, { status: 200 })],
    });
    expect(report.primaryCause).toBe('origin.blocks_cloudflare');
    const f = findingOf(report, 'origin.blocks_cloudflare');
    expect(f.evidence).toMatchObject({ rangesSource: 'api', ipv4: ['173.245.48.0/20', '103.21.244.0/22'] });
    expect(f.detail).not.toContain('--origin');
    expect(f.remediation[0]).toContain('103.21.244.0/22');
  });

  it('Full (strict) with HTTPS missing on the origin while port 80 answers explains the 521', async () => {
    const { report } = await runDiagnosis(await start(aRecordZone()), HOST, {
      edge: { status: 521, code: 521 },
      origin: [
        originObservation('refused', { port: 443, tls: true }),
        originObservation('response', { port: 80, tls: false }, { status: 200 }),
      ],
    });
    expect(report.primaryCause).toBe('ssl.origin_no_https');
    expect(findingOf(report, 'ssl.origin_no_https').evidence['mode']).toBe('strict');
  });

  it('no healthy pool explains the 530/1016', async () => {
    const { report } = await runDiagnosis(await start(lbZone(false, false)), HOST, {
      edge: { status: 530, code: 1016 },
    });
    expect(report.primaryCause).toBe('lb.no_healthy_pool');
    const f = findingOf(report, 'lb.no_healthy_pool');
    expect(f.remediation.join('\n')).toContain('web-1 (127.0.0.11)');
  });

  it('Flexible mode with an origin redirecting to HTTPS is a redirect loop', async () => {
    const s = aRecordZone();
    s.settings[ZONE_ID]!['ssl'] = 'flexible';
    const { report } = await runDiagnosis(await start(s), HOST, {
      edge: { status: 301 },
      origin: [
        originObservation(
          'response',
          { port: 80, tls: false },
          { status: 301, headers: { location: `https://${HOST}/` } },
        ),
      ],
    });
    expect(report.primaryCause).toBe('ssl.flexible_redirect_loop');
    expect(findingOf(report, 'ssl.flexible_redirect_loop').remediation[0]).toContain('Full (strict)');
  });

  it('a proxied host resolving outside Cloudflare in public DNS', async () => {
    const { report } = await runDiagnosis(await start(aRecordZone()), HOST, {
      publicDns: ['127.0.0.10'],
      edge: { status: 200 },
    });
    expect(findingOf(report, 'dns.public_not_cloudflare').evidence['notCloudflare']).toEqual(['127.0.0.10']);
  });

  it('analytics split: 5xx with no origin answer are reported as such', async () => {
    const s = aRecordZone();
    s.graphql = {
      data: {
        viewer: {
          zones: [
            {
              total: [{ count: 800 }],
              errors: [
                { count: 300, dimensions: { edgeResponseStatus: 522, originResponseStatus: 0 } },
                { count: 20, dimensions: { edgeResponseStatus: 502, originResponseStatus: 502 } },
              ],
            },
          ],
        },
      },
    };
    const { report } = await runDiagnosis(await start(s), HOST, { edge: { status: 522, code: 522 } });
    const f = findingOf(report, 'analytics.edge_5xx');
    expect(f.evidence).toMatchObject({
      total: 800,
      errors5xx: 320,
      sharePercent: 40,
      noOriginResponse: 300,
      originProduced: 20,
    });
    expect(f.detail).toContain('no HTTP answer from the origin');
    expect(report.primaryCause).not.toBe('analytics.edge_5xx');
  });

  it('a healthy site through the whole chain: no cause, no warnings', async () => {
    const { report } = await runDiagnosis(await start(aRecordZone()), HOST, {
      edge: { status: 200 },
      publicDns: ['104.16.132.229'],
      origin: [originObservation('response', { port: 443, tls: true }, { status: 200 })],
    });
    expect(report.primaryCause).toBeNull();
    expect(report.verdict).toBe('healthy');
    expect(codes(report).filter((c) => c.startsWith('origin.') || c.startsWith('ssl.origin'))).toEqual([]);
  });
});
