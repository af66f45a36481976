import { describe, expect, it } from 'vitest';
import { parseOriginOption, planProbes } from '../../../../src/diagnosis/checks/origin/plan.js';
import type { SslMode } from '../../../../src/diagnosis/facts.js';
import { parseSite } from '../../../../src/diagnosis/target.js';

const ports = { http: 80, https: 443 };

function plan(site: string, mode: SslMode | undefined, port?: number) {
  const parsed = parseSite(site);
  if (!parsed.ok) throw new Error(parsed.reason);
  const candidate = { address: '203.0.113.10', source: 'dns' as const, ...(port ? { port } : {}) };
  return planProbes([candidate], parsed.target, mode, ports).map((p) => [p.port, p.tls, p.role]);
}

describe('parseOriginOption', () => {
  it.each([
    ['203.0.113.10', { address: '203.0.113.10' }],
    ['203.0.113.10:8443', { address: '203.0.113.10', port: 8443 }],
    ['origin.example.com:8080', { address: 'origin.example.com', port: 8080 }],
    ['[2001:db8::1]:443', { address: '2001:db8::1', port: 443 }],
    ['2001:db8::1', { address: '2001:db8::1' }],
    ['10.0.0.1:99999', { address: '10.0.0.1:99999' }],
  ])('%s', (input, expected) => {
    const parsed = parseOriginOption(input);
    expect(parsed).toMatchObject({ ...expected, source: 'override' });
    if (!('port' in expected)) expect(parsed.port).toBeUndefined();
  });
});

describe('planProbes', () => {
  it('follows the SSL mode the way Cloudflare connects', () => {
    expect(plan('shop.example.com', 'flexible')).toEqual([[80, false, 'main']]);
    expect(plan('shop.example.com', 'off')).toEqual([[80, false, 'main']]);
    expect(plan('shop.example.com', 'strict')).toEqual([
      [443, true, 'main'],
      [80, false, 'side'],
    ]);
    expect(plan('shop.example.com', undefined)).toEqual([
      [80, false, 'main'],
      [443, true, 'main'],
    ]);
  });

  it('uses an explicit port from the URL or the candidate', () => {
    expect(plan('https://shop.example.com:8443/', 'full')).toEqual([[8443, true, 'main']]);
    expect(plan('http://shop.example.com:8080/', 'full')).toEqual([[8080, false, 'main']]);
    expect(plan('http://shop.example.com:8080/', 'origin_pull')).toEqual([[8080, true, 'main']]);
    expect(plan('shop.example.com', 'flexible', 8080)).toEqual([[8080, false, 'main']]);
    expect(plan('shop.example.com', undefined, 2053)).toEqual([[2053, true, 'main']]);
    expect(plan('shop.example.com', undefined, 8080)).toEqual([[8080, false, 'main']]);
  });
});
