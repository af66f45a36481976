// Where the origin check probes: a CNAME target that does not resolve, an Origin Rule's port, Host
// and SNI, --origin over the zone, no origin known, a guarded address never connected to.

import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../../../src/probes/address-policy.js';
import { codes, lab, originLabForFile, problems, run } from './support/run-origin-check.js';

originLabForFile();

describe('origin check against the lab', () => {
  it('a CNAME target that does not resolve names the name and the record (Cloudflare’s 1016)', async () => {
    const result = await run(undefined, {
      mode: 'full',
      candidates: [{ address: 'gone.example.net', source: 'dns', label: 'CNAME gone.example.net' }],
      resolve: async () => {
        throw Object.assign(new Error('queryA ENOTFOUND gone.example.net'), { code: 'ENOTFOUND' });
      },
    });
    const failed = result.findings.find((f) => f.code === 'origin.resolution_failed');
    expect(failed?.title).toContain('gone.example.net');
    expect(failed?.detail).toContain('CNAME gone.example.net');
    expect(failed?.detail).toContain('1016');
    expect(failed?.evidence['record']).toBe('CNAME gone.example.net');
  });

  it('an Origin Rule’s destination port, Host and SNI are where the probe goes', async () => {
    const route = {
      port: lab.altPort,
      hostHeader: 'shop.example.com',
      sni: 'shop.example.com',
      rules: [],
      uncertain: [],
    };
    const moved = await run('altPortOnly', {
      mode: 'full',
      facts: { route },
      candidates: [{ address: lab.origins.altPortOnly.address, source: 'dns', port: lab.altPort }],
    });
    expect(problems(moved.findings)).toEqual([]);
    expect(moved.facts?.observations[0]?.request).toMatchObject({
      port: lab.altPort,
      sni: 'shop.example.com',
    });
    // --origin without a port still follows the rule's port.
    const named = await run(undefined, {
      mode: 'full',
      facts: { route },
      origin: lab.origins.altPortOnly.address,
    });
    expect(problems(named.findings)).toEqual([]);
  });

  it('--origin wins over the zone, and may carry a port', async () => {
    const address = lab.origins.healthy.address;
    const result = await run('refused', { mode: 'strict', origin: `${address}:${lab.httpsPort}` });
    expect(result.facts?.observations.map((o) => [o.request.address, o.request.port, o.request.tls])).toEqual(
      [[address, lab.httpsPort, true]],
    );
    expect(result.status).toBe('passed');
  });

  it('no origin known → skipped with a hint', async () => {
    const result = await run(undefined, { noCloudflare: true });
    expect(result.status).toBe('skipped');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ code: 'origin.not_specified', severity: 'info' });
    expect(result.findings[0]?.detail).toContain('--origin');
    expect(result.findings[0]?.detail).toContain('CLOUDFLARE_API_TOKEN');
  });

  it('a guarded target is reported and never connected to, literal or resolved', async () => {
    const before = lab.connections('healthy');
    const address = lab.origins.healthy.address;
    const closed = createAddressPolicy([]);
    const literal = await run(undefined, { origin: address, policy: closed });
    expect(codes(literal.findings)).toEqual(['dns.origin_private_address:error']);
    expect(literal.findings[0]?.evidence).toMatchObject({ range: '127.0.0.0/8' });
    expect(literal.findings[0]?.remediation.length).toBeGreaterThan(0);
    const named = await run(undefined, {
      candidates: [{ address: 'origin.shop.example.com', source: 'dns' }],
      resolve: async () => [address],
      policy: closed,
      mode: 'strict',
    });
    expect(codes(named.findings)).toEqual(['dns.origin_private_address:error']);
    expect(named.findings[0]?.evidence['resolvedAddress']).toBe(address);
    expect(lab.connections('healthy')).toBe(before);
  });
});
