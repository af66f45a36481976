// Edge answers captured from public sources (test/fixtures/edge-pages, each with its source), read
// by structure: every layout Cloudflare has used for its own errors, and pages that only look like
// them (an origin's copy, an application's JSON) that must not be taken for Cloudflare's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyEdgePage } from '../../../../src/diagnosis/checks/edge/edge-page.js';
import { edgeCheck } from '../../../../src/diagnosis/checks/edge/index.js';
import type { EdgeResponse } from '../../../../src/diagnosis/ports.js';
import { type DnsServer, startDnsServer } from '../../../fakes/dns-server.js';
import { checkContext, labPorts } from '../../../fakes/edge-lab.js';
import { type FakeEdge, startFakeEdge } from '../../../fakes/fake-edge.js';
import { EDGE_FIXTURES, fixtureBody } from '../../../fixtures/edge-pages/index.js';

const response = (status: number, body: string, headers: Record<string, string>): EdgeResponse => ({
  status,
  headers,
  body,
  bodyTruncated: false,
  ttfbMs: 5,
});
const CF = { server: 'cloudflare', 'cf-ray': '8e3b1c2d4e5f6079-FRA' };

describe('real Cloudflare answers', () => {
  it.each(EDGE_FIXTURES.map((f) => [f.file, f] as const))('%s', (_, fixture) => {
    expect(fixture.source.length).toBeGreaterThan(40);
    const page = classifyEdgePage(response(fixture.status, fixtureBody(fixture.file), fixture.headers));
    expect(page).toMatchObject(fixture.expect);
    if (fixture.expect.blames === undefined) expect(page.blames).toBeUndefined();
  });

  it('the same pages without their headers (saved, forwarded, quoted) are still Cloudflare’s', () => {
    for (const fixture of EDGE_FIXTURES.filter((f) => f.expect.form === 'branded')) {
      const page = classifyEdgePage(response(fixture.status, fixtureBody(fixture.file), {}));
      expect(page.generatedBy, fixture.file).toBe('cloudflare');
      expect(page.cloudflareErrorCode, fixture.file).toBe(fixture.expect.cloudflareErrorCode);
    }
  });

  it('an old branded page with other whitespace, attribute order and case still reads', () => {
    const body = fixtureBody('old-branded-521.html')
      .replace(/\n\s*/g, '')
      .replace(
        /class="cf-column cf-status-item cf-host-status cf-error-source"/,
        'CLASS=\'cf-error-source cf-column cf-status-item\' ID="cf-host-status"',
      )
      .replace('id="cf-host-status" ', '');
    const page = classifyEdgePage(response(521, body, CF));
    expect(page).toMatchObject({ generatedBy: 'cloudflare', cloudflareErrorCode: 521, blames: 'origin' });
  });
});

describe('pages that only look like Cloudflare’s', () => {
  it('a copy of Cloudflare’s 521 page served with 200 by the origin is the origin’s page, not an edge error', () => {
    const page = classifyEdgePage(response(200, fixtureBody('new-branded-521.html'), CF));
    expect(page.generatedBy).toBe('origin');
    expect(page.cloudflareErrorCode).toBeUndefined();
  });

  it('an application’s JSON error with an error_code is the origin’s answer', () => {
    const body = JSON.stringify({ error_code: 1001, message: 'database unavailable', status: 503 });
    expect(classifyEdgePage(response(503, body, CF)).generatedBy).toBe('origin');
  });

  it('an application’s short text error that is not Cloudflare’s code range is the origin’s answer', () => {
    expect(classifyEdgePage(response(500, 'error code: 42', CF)).generatedBy).toBe('origin');
  });

  it('the origin’s own nginx 502 page relayed through Cloudflare is the origin’s', () => {
    const nginx =
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';
    expect(classifyEdgePage(response(502, nginx, CF))).toMatchObject({ generatedBy: 'origin' });
  });

  it('hostile input: huge, unbalanced or binary bodies end quickly and say nothing false', () => {
    const bodies = [
      '<'.repeat(200_000),
      `<div class="${'a '.repeat(50_000)}`,
      '{'.repeat(100_000),
      `---\n${'error_code: 1\n'.repeat(20_000)}`,
      '\u0000\u0001\u0002'.repeat(30_000),
    ];
    for (const body of bodies) {
      const started = performance.now();
      const page = classifyEdgePage(response(502, body, CF));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(page.cloudflareErrorCode === undefined || page.cloudflareErrorCode === 502).toBe(true);
    }
  });
});

describe('the edge check, served each real answer by the fake edge', () => {
  let dns: DnsServer;
  let edge: FakeEdge;
  beforeAll(async () => {
    [dns, edge] = await Promise.all([
      startDnsServer({ 'shop.example.com': { A: ['127.0.0.1'] } }),
      startFakeEdge(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([dns?.close(), edge?.close()]);
  });

  it.each(EDGE_FIXTURES.filter((f) => f.status >= 500).map((f) => [f.file, f] as const))(
    '%s: edge.error naming Cloudflare’s code, never "the origin answered"',
    async (_, fixture) => {
      edge.setBehaviour({
        kind: 'passthrough',
        status: fixture.status,
        body: fixtureBody(fixture.file),
        contentType: fixture.headers['content-type'] ?? 'text/html',
      });
      const ctx = checkContext(edge.url('shop.example.com'), labPorts(dns, { extraCa: [edge.ca] }), 3000);
      const result = await edgeCheck.run(ctx);
      expect(result.facts).toMatchObject({
        generatedBy: 'cloudflare',
        cloudflareErrorCode: fixture.expect.cloudflareErrorCode,
      });
      const found = result.findings[0];
      expect(found?.code).toBe('edge.error');
      expect(found?.detail).not.toMatch(/origin's own/i);
      expect(found?.remediation.length).toBeGreaterThan(0);
    },
  );
});
