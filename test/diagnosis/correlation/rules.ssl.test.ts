// The correlation rules of the SSL modes, with constructed facts and findings through correlate():
// Full without origin HTTPS, Full (strict) and a bad certificate, the Flexible redirect loop.

import { describe, expect, it } from 'vitest';
import { cf, edge, f, obs, run } from './support/correlate-facts.js';

describe('Full SSL without origin HTTPS', () => {
  it('explains a 521 when 443 refuses and 80 answers', () => {
    const out = run(
      {
        edge: edge(521, 521),
        cloudflare: cf({ sslMode: 'full' }),
        origin: { observations: [obs('refused', 443, true), obs('response', 80, false, { status: 200 })] },
      },
      [f('edge.error'), f('origin.connection_refused')],
    );
    expect(out.primaryCause).toBe('ssl.origin_no_https');
    expect(out.findings.find((x) => x.code === 'ssl.origin_no_https')?.remediation.join(' ')).toContain(
      'SSL/TLS → Overview',
    );
  });

  it('is only a warning, with the ambiguity spelled out, when the edge serves fine', () => {
    const out = run(
      {
        edge: edge(200),
        cloudflare: cf({ sslMode: 'strict' }),
        origin: { observations: [obs('tls_failed', 443, true), obs('response', 80, false, { status: 200 })] },
      },
      [],
    );
    const added = out.findings.find((x) => x.code === 'ssl.origin_no_https');
    expect(added?.severity).toBe('warn');
    expect(added?.detail).toContain('Configuration Rule');
  });

  it('does not apply in Flexible mode', () => {
    const out = run(
      {
        cloudflare: cf({ sslMode: 'flexible' }),
        origin: { observations: [obs('refused', 443, true), obs('response', 80, false, { status: 200 })] },
      },
      [],
    );
    expect(out.findings.map((x) => x.code)).not.toContain('ssl.origin_no_https');
  });
});

describe('Full (strict) and a bad certificate', () => {
  it('explains a 526 and upgrades the certificate warning to an error', () => {
    const out = run({ edge: edge(526, 526), cloudflare: cf({ sslMode: 'strict' }) }, [
      f('edge.error'),
      f('origin.tls_cert_expired', 'warn'),
    ]);
    expect(out.primaryCause).toBe('origin.tls_cert_expired');
    expect(out.findings.find((x) => x.code === 'origin.tls_cert_expired')?.severity).toBe('error');
  });

  it('flags the mismatch when the zone says Full but the edge shows 526', () => {
    const out = run({ edge: edge(526, 526), cloudflare: cf({ sslMode: 'full' }) }, [
      f('edge.error'),
      f('origin.tls_cert_hostname_mismatch', 'warn'),
    ]);
    expect(out.primaryCause).toBe('origin.tls_cert_hostname_mismatch');
    expect(out.findings.find((x) => x.code === 'origin.tls_cert_hostname_mismatch')?.detail).toContain(
      'Configuration Rule',
    );
  });

  it('leaves a Full-mode certificate warning alone when the edge is fine', () => {
    const out = run({ edge: edge(200), cloudflare: cf({ sslMode: 'full' }) }, [
      f('origin.tls_cert_untrusted', 'warn'),
    ]);
    expect(out.findings[0]?.severity).toBe('warn');
  });
});

describe('Flexible redirect loop', () => {
  it('an origin redirecting HTTP to HTTPS under Flexible is a loop', () => {
    const out = run(
      {
        edge: edge(301),
        cloudflare: cf({ sslMode: 'flexible' }),
        origin: {
          observations: [
            obs('response', 80, false, { status: 301, headers: { location: 'https://shop.example.com/' } }),
          ],
        },
      },
      [],
    );
    expect(out.primaryCause).toBe('ssl.flexible_redirect_loop');
  });

  it('a redirect to another host is not a loop', () => {
    const out = run(
      {
        cloudflare: cf({ sslMode: 'flexible' }),
        origin: {
          observations: [
            obs('response', 80, false, { status: 302, headers: { location: 'https://login.example.org/' } }),
          ],
        },
      },
      [],
    );
    expect(out.findings).toEqual([]);
  });
});
