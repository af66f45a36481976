// The correlation rule for an origin that blocks Cloudflare (answers the bot, the edge shows 521),
// with constructed facts and findings through correlate().

import { describe, expect, it } from 'vitest';
import { cf, edge, f, obs, run } from './support/correlate-facts.js';

describe('origin blocks Cloudflare', () => {
  it('an origin answering the bot while the edge shows 521 is blocking Cloudflare, with the ranges to allow', () => {
    const out = run(
      {
        edge: edge(521, 521),
        cloudflare: cf({
          ipRanges: { ipv4: ['173.245.48.0/20', '104.16.0.0/13'], ipv6: ['2400:cb00::/32'] },
        }),
        origin: { observations: [obs('response', 443, true, { status: 200 })] },
      },
      [f('edge.error')],
    );
    expect(out.primaryCause).toBe('origin.blocks_cloudflare');
    const added = out.findings.find((x) => x.code === 'origin.blocks_cloudflare');
    expect(added?.evidence).toMatchObject({
      rangesSource: 'api',
      ipv4: ['173.245.48.0/20', '104.16.0.0/13'],
    });
    expect(added?.remediation[0]).toContain('173.245.48.0/20, 104.16.0.0/13');
  });

  it('falls back to the bundled ranges without the API', () => {
    const out = run(
      { edge: edge(522, 522), origin: { observations: [obs('response', 443, true, { status: 200 })] } },
      [f('edge.error')],
    );
    const added = out.findings.find((x) => x.code === 'origin.blocks_cloudflare');
    expect(added?.evidence['rangesSource']).toBe('bundled');
    expect(added?.evidence['ipv4']).toEqual(expect.arrayContaining(['173.245.48.0/20']));
    expect(added?.detail).toContain('--origin');
  });

  it('under Full (strict) only the HTTPS connection counts: a closed port 80 does not hide the block', () => {
    const out = run(
      {
        edge: edge(521, 521),
        cloudflare: cf({ sslMode: 'strict' }),
        origin: { observations: [obs('response', 443, true, { status: 200 }), obs('refused', 80, false)] },
      },
      [f('edge.error')],
    );
    expect(out.primaryCause).toBe('origin.blocks_cloudflare');
  });

  it('an origin that refuses the bot too is not blamed on a firewall', () => {
    const out = run(
      { edge: edge(521, 521), cloudflare: cf(), origin: { observations: [obs('refused', 443, true)] } },
      [f('edge.error'), f('origin.connection_refused')],
    );
    expect(out.findings.map((x) => x.code)).not.toContain('origin.blocks_cloudflare');
    expect(out.primaryCause).toBe('origin.connection_refused');
  });
});
