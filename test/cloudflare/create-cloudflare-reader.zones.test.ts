// createCloudflareReader against the fake Cloudflare API: finding a host's zone, and reading its DNS
// records, settings and Workers routes within the per-diagnosis budget, with the bearer token only.

import { describe, expect, it } from 'vitest';
import { zoneCandidates } from '../../src/cloudflare/create-cloudflare-reader.js';
import { FAKE_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { failure, fake, fakeCloudflareEachTest, reader, signal } from './support/reader-on-fake.js';

fakeCloudflareEachTest();

describe('zone lookup', () => {
  it('lists every parent suffix in one call (name=ends_with:) and returns the longest the token can see', async () => {
    fake.scenario.zones.push(
      { id: 'z-shop', name: 'shop.example.com' },
      { id: 'z-other', name: 'myexample.com' },
    );
    const r = reader();
    const zone = await r.findZone('api.shop.example.com', signal());
    expect(zone?.id).toBe('z-shop');
    const names = fake.calls.filter((c) => c.path === '/zones').map((c) => c.query['name']);
    expect(names).toEqual(['ends_with:example.com']);
    expect(r.callCount).toBe(1);
    // `myexample.com` ends with the suffix too, but is not a parent of the host.
    expect((await reader().findZone('www.myexample.com', signal()))?.id).toBe('z-other');
  });

  it('an account too large for the list falls back to asking each suffix by exact name', async () => {
    fake.scenario.maxPerPage = 1;
    for (let i = 0; i < 6; i++) fake.scenario.zones.push({ id: `z-${i}`, name: `site${i}.example.com` });
    fake.scenario.zones.push({ id: 'z-shop', name: 'shop.example.com' });
    const zone = await reader().findZone('api.shop.example.com', signal());
    expect(zone?.id).toBe('z-shop');
    const names = fake.calls.filter((c) => c.path === '/zones').map((c) => c.query['name']);
    expect(names.filter((n) => !n?.startsWith('ends_with:')).sort()).toEqual([
      'api.shop.example.com',
      'example.com',
      'shop.example.com',
    ]);
  });

  it('returns null when no zone covers the host', async () => {
    expect(await reader().findZone('www.unknown.org', signal())).toBeNull();
  });

  it('never asks about the bare TLD', () => {
    expect(zoneCandidates('a.b.example.co.uk')).toEqual([
      'a.b.example.co.uk',
      'b.example.co.uk',
      'example.co.uk',
      'co.uk',
    ]);
    expect(zoneCandidates('example.com')).toEqual(['example.com']);
  });

  it('prefers the active zone when an account holds a pending copy too', async () => {
    fake.scenario.zones.unshift({
      id: 'z-pending',
      name: 'example.com',
      status: 'pending',
      accountId: 'acc2',
    });
    const zone = await reader().findZone('shop.example.com', signal());
    expect(zone?.id).toBe('z-example');
  });
});

describe('records and settings', () => {
  it('filters DNS records by exact name on the server and follows every page', async () => {
    fake.scenario.maxPerPage = 2;
    const r = reader();
    const records = await r.dnsRecords('z-example', 'shop.example.com', signal());
    expect(records.map((x) => x.content)).toEqual(['203.0.113.10', '203.0.113.11', '2001:db8::10']);
    const calls = fake.calls.filter((c) => c.path === '/zones/z-example/dns_records');
    expect(calls.map((c) => c.query['name.exact'])).toEqual(['shop.example.com', 'shop.example.com']);
    // Two pages of two: no third request for an empty page.
    expect(calls).toHaveLength(2);
  });

  it('reads the origin-facing settings in one request', async () => {
    const r = reader();
    const settings = await r.zoneSettings('z-example', signal());
    expect(settings).toEqual({ ssl: 'strict', minTlsVersion: '1.2', alwaysUseHttps: 'on' });
    expect(r.callCount).toBe(1);
  });

  it('the bulk answer lacks origin_max_http_version and ssl_automatic_mode: read from their own endpoints', async () => {
    fake.scenario.settings['z-example'] = {
      ...fake.scenario.settings['z-example'],
      origin_max_http_version: '1',
      ssl_automatic_mode: 'auto',
    };
    const r = reader();
    const bulk = await r.zoneSettings('z-example', signal());
    expect(bulk.originMaxHttpVersion).toBeUndefined();
    expect(bulk.sslAutomaticMode).toBeUndefined();
    expect(await r.zoneSetting('z-example', 'origin_max_http_version', signal())).toBe('1');
    expect(await r.zoneSetting('z-example', 'ssl_automatic_mode', signal())).toBe('auto');
    expect(fake.calls.map((c) => c.path)).toEqual([
      '/zones/z-example/settings',
      '/zones/z-example/settings/origin_max_http_version',
      '/zones/z-example/settings/ssl_automatic_mode',
    ]);
  });

  it('finds the most specific wildcard record for a host in one request', async () => {
    fake.scenario.records['z-example']!.push(
      { type: 'A', name: '*.example.com', content: '203.0.113.50', proxied: true },
      { type: 'CNAME', name: '*.eu.example.com', content: 'eu-origin.example.net', proxied: true },
      { type: 'A', name: '*.other.example.com', content: '203.0.113.60', proxied: true },
    );
    const r = reader();
    const records = await r.wildcardRecords('z-example', 'shop.eu.example.com', signal());
    expect(records.map((x) => x.name)).toEqual(['*.eu.example.com', '*.example.com']);
    expect(fake.calls[0]?.query['name.startswith']).toBe('*.');
    expect(r.callCount).toBe(1);
  });

  it('reads Workers routes with their scripts', async () => {
    fake.scenario.workerRoutes['z-example'] = [
      { id: 'r1', pattern: 'shop.example.com/*', script: 'shop-worker' },
      { id: 'r2', pattern: 'shop.example.com/static/*' },
    ];
    expect(await reader().workerRoutes('z-example', signal())).toEqual([
      { pattern: 'shop.example.com/*', script: 'shop-worker' },
      { pattern: 'shop.example.com/static/*' },
    ]);
  });

  it('stops at the per-diagnosis budget instead of sending a 13th request', async () => {
    const r = reader({ maxCalls: 2 });
    await r.zoneSettings('z-example', signal());
    await r.ipRanges(signal());
    const error = await failure(r.dnsRecords('z-example', 'shop.example.com', signal()));
    expect(error.kind).toBe('budget');
    expect(fake.calls).toHaveLength(2);
    expect(r.callsLeft).toBe(0);
  });

  it('sends the bearer token only, even when legacy key variables are set', async () => {
    process.env['CLOUDFLARE_API_KEY'] = 'legacy-key';
    process.env['CLOUDFLARE_EMAIL'] = 'ops@example.com';
    try {
      await reader().ipRanges(signal());
    } finally {
      delete process.env['CLOUDFLARE_API_KEY'];
      delete process.env['CLOUDFLARE_EMAIL'];
    }
    const call = fake.calls[0];
    expect(call?.authorization).toBe(`Bearer ${FAKE_TOKEN}`);
    expect(call?.headers['x-auth-key']).toBeUndefined();
    expect(call?.headers['x-auth-email']).toBeUndefined();
  });
});
