// Every layout of Cloudflare's own answer, through the parser and through the edge check against
// the fake edge: the current 1xxx page, empty 5xx bodies, cached errors. Fixtures: edge-pages.ts
// (each notes the capture it follows).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyEdgePage } from '../../../../src/diagnosis/checks/edge/edge-page.js';
import { edgeCheck } from '../../../../src/diagnosis/checks/edge/index.js';
import type { EdgeResponse } from '../../../../src/diagnosis/ports.js';
import { type DnsServer, startDnsServer } from '../../../fakes/dns-server.js';
import { checkContext, labPorts } from '../../../fakes/edge-lab.js';
import { current1xxxPage, legacyErrorPage } from '../../../fakes/edge-pages.js';
import { type FakeEdge, startFakeEdge } from '../../../fakes/fake-edge.js';

const RAY = 'a42525154b4fda26';
const cf = { server: 'cloudflare', 'cf-ray': `${RAY}-IAD` };
const response = (status: number, body: string, headers: Record<string, string> = cf): EdgeResponse => ({
  status,
  headers,
  body,
  bodyTruncated: false,
  ttfbMs: 5,
});

describe('the current 1xxx layout', () => {
  it.each([1016, 1033, 1000, 1101])('reads %i from the bare span and the errorCode script', (code) => {
    const page = classifyEdgePage(response(530, current1xxxPage(code, 'shop.example.com', RAY)));
    expect(page).toMatchObject({
      generatedBy: 'cloudflare',
      cloudflareErrorCode: code,
      rayId: RAY,
      colo: 'IAD',
    });
  });

  it('reads the heading alone when the script is missing, and the reason from the title', () => {
    const body = current1xxxPage(1016, 'shop.example.com', RAY).replace(/errorCode: \d+/, '');
    const page = classifyEdgePage(response(530, body));
    expect(page.cloudflareErrorCode).toBe(1016);
    expect(page.reason).toBe('Origin DNS error');
  });

  it('the older 1xxx layout still works', () => {
    expect(
      classifyEdgePage(response(530, legacyErrorPage(1033, 'shop.example.com', RAY))).cloudflareErrorCode,
    ).toBe(1033);
  });

  it('an application page that happens to say "Error 500" is not taken for Cloudflare', () => {
    const page = classifyEdgePage(response(500, '<html><h1>Error 500</h1><p>errorCode: 1016</p></html>'));
    expect(page.generatedBy).toBe('origin');
  });
});

describe('empty bodies and cached errors', () => {
  it('an empty 5xx through Cloudflare is Cloudflare’s own answer; without Cloudflare headers nobody can say', () => {
    expect(classifyEdgePage(response(530, ''))).toMatchObject({
      generatedBy: 'cloudflare',
      form: 'empty',
      cloudflareErrorCode: 530,
    });
    expect(classifyEdgePage(response(502, '', {}))).toMatchObject({ generatedBy: 'unknown' });
  });

  it('reads cf-cache-status and age', () => {
    const page = classifyEdgePage(
      response(502, 'Bad gateway', { ...cf, 'cf-cache-status': 'hit', age: '340' }),
    );
    expect(page).toMatchObject({ cacheStatus: 'HIT', ageSeconds: 340 });
  });
});

describe('edge check against the fake edge', () => {
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
  beforeEach(() => edge.setBehaviour({ kind: 'healthy' }));
  const run = () =>
    edgeCheck.run(checkContext(edge.url('shop.example.com'), labPorts(dns, { extraCa: [edge.ca] }), 3000));

  it('the current 1016 page is error 1016, not "the origin answered 530"', async () => {
    edge.setBehaviour({ kind: 'current1xxx', code: 1016 });
    const result = await run();
    expect(result.facts?.cloudflareErrorCode).toBe(1016);
    expect(result.findings[0]?.title).toMatch(/resolve the origin/i);
    expect(result.findings[0]?.remediation.join(' ')).toContain('CNAME');
  });

  it('an empty 530 is Cloudflare’s answer, and its steps say how to see the 1xxx code', async () => {
    edge.setBehaviour({ kind: 'empty', status: 530 });
    const result = await run();
    expect(result.facts?.generatedBy).toBe('cloudflare');
    expect(result.findings[0]?.title).not.toMatch(/origin itself/i);
    expect(result.findings[0]?.detail).toContain('empty body');
    expect(result.findings[0]?.remediation.join(' ')).toContain('1033');
  });

  it('a cached 502 is edge.cached_error with its cache status, age and purge step', async () => {
    edge.setBehaviour({
      kind: 'cached',
      cacheStatus: 'HIT',
      age: 340,
      next: { kind: 'passthrough', status: 502, body: '<h1>upstream down</h1>' },
    });
    const result = await run();
    const found = result.findings[0];
    expect(found).toMatchObject({ code: 'edge.cached_error', severity: 'error' });
    expect(found?.evidence).toMatchObject({ cacheStatus: 'HIT', ageSeconds: 340, status: 502 });
    expect(found?.remediation[0]).toContain('Purge');
    expect(found?.remediation.join(' ')).toContain('Cache Rule');
  });

  it('a 5xx that missed the cache is an ordinary edge error', async () => {
    edge.setBehaviour({ kind: 'cached', cacheStatus: 'MISS', age: 0, next: { kind: 'branded', code: 521 } });
    expect((await run()).findings[0]?.code).toBe('edge.error');
  });
});
