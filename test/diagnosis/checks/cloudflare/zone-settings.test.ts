// ssl_automatic_mode and origin_max_http_version come from their own endpoints (the bulk settings
// answer lacks them), and only when they change what the report says.
import { describe, expect, it } from 'vitest';
import type { FakeCloudflareApi } from '../../../fakes/cloudflare-api/server.js';
import { codes, findingOf, runDiagnosis } from '../../../support/cloudflare-harness.js';
import { aRecordZone, HOST, ORIGIN_IP, ZONE_ID } from '../../../support/cloudflare-scenarios.js';
import { fakeCloudflarePerTest } from '../../../support/fake-cloudflare-per-test.js';
import { originObservation } from '../../../support/observations.js';

const { start } = fakeCloudflarePerTest();
const settingCalls = (api: FakeCloudflareApi) =>
  api.calls.filter((c) => /\/settings\/[a-z_]+$/.test(c.path)).map((c) => c.path.split('/').pop());

describe('settings with their own endpoints', () => {
  it('a healthy site reads neither', async () => {
    const api = await start(aRecordZone());
    await runDiagnosis(api, HOST, { edge: { status: 200 } });
    expect(settingCalls(api)).toEqual([]);
  });

  it('a 526 under Automatic SSL/TLS says the mode was chosen by Cloudflare and never lowers itself', async () => {
    const s = aRecordZone();
    s.settings[ZONE_ID]!['ssl_automatic_mode'] = 'auto';
    const api = await start(s);
    const { report } = await runDiagnosis(api, HOST, {
      edge: { status: 526, code: 526 },
      origin: [originObservation('tls_failed', { port: 443, tls: true, address: ORIGIN_IP })],
    });
    expect(settingCalls(api)).toEqual(['ssl_automatic_mode']);
    const f = findingOf(report, 'ssl.automatic');
    expect(f.detail).toContain('never lowers it on its own');
    expect(f.detail).toContain('strict');
  });

  it('a 526 on a zone set by hand (custom) adds nothing', async () => {
    const api = await start(aRecordZone());
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 526, code: 526 } });
    expect(settingCalls(api)).toEqual(['ssl_automatic_mode']);
    expect(codes(report)).not.toContain('ssl.automatic');
  });

  it('a 520 with HTTP/2 to origin on names the setting; HTTP/1.1 only adds nothing', async () => {
    const api = await start(aRecordZone());
    const { report } = await runDiagnosis(api, HOST, { edge: { status: 520, code: 520 } });
    expect(settingCalls(api)).toEqual(['origin_max_http_version']);
    expect(findingOf(report, 'origin.max_http_version').evidence['originMaxHttpVersion']).toBe('2');
    const s = aRecordZone();
    s.settings[ZONE_ID]!['origin_max_http_version'] = '1';
    const again = await runDiagnosis(await start(s), HOST, { edge: { status: 520, code: 520 } });
    expect(codes(again.report)).not.toContain('origin.max_http_version');
  });
});
