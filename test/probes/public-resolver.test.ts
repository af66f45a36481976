import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicResolver, resolveAddresses } from '../../src/probes/public-resolver.js';
import { type DnsServer, startDnsServer } from '../fakes/dns-server.js';

let dns: DnsServer;

beforeAll(async () => {
  dns = await startDnsServer({
    'shop.example.com': { CNAME: 'shop.example.com.cdn.cloudflare.net' },
    'shop.example.com.cdn.cloudflare.net': { A: ['104.16.1.2', '104.16.1.3'], AAAA: ['2606:4700::6810:102'] },
    'plain.example.com': { A: ['203.0.113.10'] },
    'v6only.example.com': { AAAA: ['2001:db8::1'] },
    'nodata.example.com': {},
    'broken.example.com': { mode: 'servfail' },
    'silent.example.com': { mode: 'silent' },
    'dangling.example.com': { CNAME: 'gone.example.net' },
    'slow.example.com': { A: ['203.0.113.11'], delayMs: 5000 },
  });
});
afterAll(async () => {
  await dns?.close();
});

const budget = (ms = 3000) => AbortSignal.timeout(ms);

describe('createPublicResolver against a DNS server on loopback', () => {
  it('returns addresses of both families and the CNAME chain, naming the resolver', async () => {
    const resolver = createPublicResolver([{ host: dns.host, port: dns.port }]);
    const answer = await resolver.resolve('Shop.Example.com.', budget());
    expect(answer.error).toBeUndefined();
    expect(answer.host).toBe('shop.example.com');
    expect(answer.addresses.sort()).toEqual(['104.16.1.2', '104.16.1.3', '2606:4700::6810:102']);
    expect(answer.cnames).toEqual(['shop.example.com.cdn.cloudflare.net']);
    expect(answer.resolvers).toEqual([`127.0.0.1:${dns.port}`]);
    expect(dns.queries.some((q) => q.name === 'shop.example.com' && q.type === 'AAAA')).toBe(true);
  });

  it('resolves a name with only one family', async () => {
    const resolver = createPublicResolver([{ host: dns.host, port: dns.port }]);
    expect((await resolver.resolve('v6only.example.com', budget())).addresses).toEqual(['2001:db8::1']);
    expect((await resolver.resolve('plain.example.com', budget())).addresses).toEqual(['203.0.113.10']);
  });

  it('reports NXDOMAIN, no data, SERVFAIL and a dangling CNAME as errors with codes', async () => {
    const resolver = createPublicResolver([{ host: dns.host, port: dns.port }], { tries: 1 });
    const missing = await resolver.resolve('nope.example.com', budget());
    expect(missing.error?.code).toBe('ENOTFOUND');
    expect(missing.addresses).toEqual([]);
    expect((await resolver.resolve('nodata.example.com', budget())).error?.code).toBe('ENODATA');
    expect((await resolver.resolve('broken.example.com', budget())).error?.code).toBe('ESERVFAIL');
    const dangling = await resolver.resolve('dangling.example.com', budget());
    expect(dangling.error?.code).toBe('ENOTFOUND');
    expect(dangling.cnames).toEqual(['gone.example.net']);
  });

  it('gives up on a silent resolver after its bounded tries', async () => {
    const resolver = createPublicResolver([{ host: dns.host, port: dns.port }], { timeoutMs: 100, tries: 1 });
    const before = dns.queries.filter((q) => q.name === 'silent.example.com').length;
    const answer = await resolver.resolve('silent.example.com', budget(5000));
    expect(answer.error?.code).toBe('ETIMEOUT');
    const asked = dns.queries.filter((q) => q.name === 'silent.example.com').length - before;
    expect(asked).toBeLessThanOrEqual(6);
  });

  it('stops when the budget runs out, even if the resolver would answer later', async () => {
    const resolver = createPublicResolver([{ host: dns.host, port: dns.port }]);
    const answer = await resolver.resolve('slow.example.com', budget(200));
    expect(answer.addresses).toEqual([]);
    expect(answer.error?.code).toBe('ETIMEOUT');
  });

  it('passes IP literals through without a lookup', async () => {
    const resolver = createPublicResolver([{ host: dns.host, port: dns.port }]);
    const before = dns.queries.length;
    expect((await resolver.resolve('192.0.2.1', budget())).addresses).toEqual(['192.0.2.1']);
    expect(dns.queries.length).toBe(before);
  });

  it('accepts an IPv6 server entry', () => {
    const resolver = createPublicResolver([{ host: '::1', port: 5353 }]);
    expect(resolver).toBeDefined();
  });
});

describe('resolveAddresses', () => {
  it('yields the addresses, or rejects with the code and the resolver asked', async () => {
    const resolve = resolveAddresses(createPublicResolver([{ host: dns.host, port: dns.port }]));
    expect(await resolve('plain.example.com', budget())).toEqual(['203.0.113.10']);
    await expect(resolve('nope.example.com', budget())).rejects.toMatchObject({
      code: 'ENOTFOUND',
      message: expect.stringContaining(`127.0.0.1:${dns.port}`),
    });
  });
});
