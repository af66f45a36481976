import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicDnsCheck } from '../../../../src/diagnosis/checks/public-dns/index.js';
import { type DnsServer, startDnsServer } from '../../../fakes/dns-server.js';
import { checkContext, labPorts } from '../../../fakes/edge-lab.js';

let dns: DnsServer;

beforeAll(async () => {
  dns = await startDnsServer({
    'shop.example.com': { CNAME: 'shop.example.com.cdn.cloudflare.net' },
    'shop.example.com.cdn.cloudflare.net': { A: ['104.16.1.2'], AAAA: ['2606:4700::6810:102'] },
    'direct.example.com': { A: ['8.8.4.4'] },
    'half.example.com': { A: ['104.16.1.2', '8.8.4.4'] },
    'lab.example.com': { A: ['127.0.0.1'] },
    'private.example.com': { A: ['10.1.2.3'] },
    'broken.example.com': { mode: 'servfail' },
    'silent.example.com': { mode: 'silent' },
    'dangling.example.com': { CNAME: 'gone.example.net' },
  });
});
afterAll(async () => {
  await dns?.close();
});

const run = (site: string, timeoutMs?: number) =>
  publicDnsCheck.run(checkContext(site, labPorts(dns), timeoutMs));

describe('publicDnsCheck', () => {
  it("reports a name on Cloudflare's edge as ok, with its CNAME chain", async () => {
    const result = await run('https://shop.example.com/cart');
    expect(result.status).toBe('passed');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      code: 'dns.public_ok',
      severity: 'ok',
      evidence: { allCloudflare: true, cnames: ['shop.example.com.cdn.cloudflare.net'] },
    });
    expect(result.facts?.answer.addresses).toContain('104.16.1.2');
  });

  it('notes, as info only, a name that resolves outside Cloudflare', async () => {
    const direct = await run('direct.example.com');
    expect(direct.status).toBe('passed');
    expect(direct.findings[0]).toMatchObject({ code: 'dns.public_ok', severity: 'info' });
    expect(direct.findings[0]?.title).toMatch(/not to Cloudflare/);
    const half = await run('half.example.com');
    expect(half.findings[0]?.evidence).toMatchObject({
      otherAddresses: ['8.8.4.4'],
      cloudflareAddresses: ['104.16.1.2'],
    });
  });

  it('fails on NXDOMAIN, SERVFAIL, a dangling CNAME and silence, naming the resolver', async () => {
    const missing = await run('missing.example.com');
    expect(missing.status).toBe('failed');
    expect(missing.findings[0]).toMatchObject({
      code: 'dns.public_resolution_failed',
      severity: 'error',
      evidence: { errorCode: 'ENOTFOUND', resolvers: [`127.0.0.1:${dns.port}`] },
    });
    expect(missing.findings[0]?.title).toMatch(/NXDOMAIN/);
    expect(missing.findings[0]?.remediation.join(' ')).toMatch(/dig \+short NS example\.com/);

    const servfail = await run('broken.example.com');
    expect(servfail.findings[0]?.evidence['errorCode']).toBe('ESERVFAIL');
    expect(servfail.findings[0]?.remediation.join(' ')).toMatch(/DNSSEC/);

    const dangling = await run('dangling.example.com');
    expect(dangling.findings[0]?.title).toContain('gone.example.net');
    expect(dangling.findings[0]?.remediation[0]).toContain('gone.example.net');

    const silent = await run('silent.example.com', 1000);
    expect(silent.findings[0]?.evidence['errorCode']).toBe('ETIMEOUT');
    expect(silent.findings[0]?.remediation.length).toBeGreaterThan(0);
  });

  it('warns when public DNS hands out a private address', async () => {
    const result = await run('private.example.com');
    expect(result.status).toBe('failed');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      code: 'dns.public_private_address',
      severity: 'warn',
      evidence: { address: '10.1.2.3', range: expect.stringContaining('10.0.0.0/8') },
    });
    expect(result.findings[0]?.remediation.join(' ')).toMatch(/10\.1\.2\.3.*public IP/);
  });

  it('treats lab addresses opened by the allow-list as ordinary answers', async () => {
    const result = await run('lab.example.com');
    expect(result.findings.map((f) => f.code)).toEqual(['dns.public_ok']);
  });
});
