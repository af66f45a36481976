// The origin check's TLS findings against the lab: no HTTPS where the SSL mode needs it, the mode
// unknown, certificate problems, a demanded client certificate, HTTP/2 offered then broken.

import { describe, expect, it } from 'vitest';
import { codes, originLabForFile, problems, run } from './support/run-origin-check.js';

originLabForFile();

describe('origin check against the lab', () => {
  it('Full (strict) with nothing on 443 but HTTP on 80 → ssl.origin_no_https (error)', async () => {
    const result = await run('noHttps', { mode: 'strict' });
    expect(result.status).toBe('failed');
    expect(codes(problems(result.findings))).toEqual([
      'origin.connection_refused:error',
      'ssl.origin_no_https:error',
    ]);
  });

  it('Full with plain HTTP on the TLS port → ssl.origin_no_https and the handshake failure', async () => {
    const result = await run('plainOnTls', { mode: 'full' });
    expect(codes(problems(result.findings))).toEqual([
      'origin.tls_handshake_failed:error',
      'ssl.origin_no_https:error',
    ]);
    const handshake = result.findings.find((f) => f.code === 'origin.tls_handshake_failed');
    expect(handshake?.evidence['errorCode']).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(handshake?.remediation[0]).toContain('plain HTTP');
  });

  it('mode unknown, 443 refused but 80 answers: a warning, not an outage', async () => {
    const result = await run('noHttps');
    expect(result.status).toBe('passed');
    expect(codes(result.findings)).toEqual([
      'origin.connection_refused:info',
      'origin.ok:ok',
      'ssl.origin_no_https:warn',
    ]);
    expect(result.findings.find((f) => f.code === 'origin.connection_refused')?.detail).toContain('unknown');
  });

  it('mode unknown, 80 refused but 443 answers: no alarm at all', async () => {
    const result = await run('noHttp');
    expect(result.status).toBe('passed');
    expect(problems(result.findings)).toEqual([]);
    expect(codes(result.findings)).toContain('origin.connection_refused:info');
  });

  it.each([
    ['expired', 'strict', 'origin.tls_cert_expired', 'error'],
    ['expired', 'full', 'origin.tls_cert_expired', 'warn'],
    ['expired', undefined, 'origin.tls_cert_expired', 'warn'],
    ['selfSigned', 'strict', 'origin.tls_cert_untrusted', 'error'],
    ['selfSigned', 'full', 'origin.tls_cert_untrusted', 'warn'],
    ['wrongName', 'origin_pull', 'origin.tls_cert_hostname_mismatch', 'error'],
    ['wrongName', 'full', 'origin.tls_cert_hostname_mismatch', 'warn'],
    ['expiring', 'strict', 'origin.tls_cert_expiring', 'warn'],
  ] as const)('%s certificate under %s → %s (%s)', async (name, mode, code, severity) => {
    const result = await run(name, mode ? { mode } : {});
    const found = result.findings.filter((f) => f.code === code);
    expect(found.map((f) => f.severity)).toEqual([severity]);
    expect(found[0]?.evidence['notAfter']).toEqual(expect.any(String));
    expect(found[0]?.remediation.length).toBeGreaterThan(0);
    if (code === 'origin.tls_cert_expired') {
      expect(found[0]?.remediation[0]).toContain(String(found[0]?.evidence['notAfter']));
    }
  });

  it('a client certificate demanded: info when Cloudflare presents one, error when it does not, warn when unknown', async () => {
    const zone = { zone: { id: 'z1', name: 'example.com', status: 'active' } };
    const aop = (zoneEnabled: boolean, hostnameEnabled?: boolean) => ({
      originPullSettings: async () => ({
        zoneEnabled,
        ...(hostnameEnabled !== undefined ? { hostnameEnabled } : {}),
      }),
    });
    const on = await run('clientCert', { mode: 'strict', facts: zone, reader: aop(true) });
    expect(on.status).toBe('passed');
    expect(codes(on.findings)).toEqual(['origin.requires_client_cert:info']);
    const off = await run('clientCertTls12', { mode: 'strict', facts: zone, reader: aop(false) });
    expect(codes(off.findings)).toEqual(['origin.requires_client_cert:error']);
    expect(off.findings[0]?.remediation.join(' ')).toContain('Authenticated Origin Pulls');
    expect(off.findings[0]?.remediation.join(' ')).toContain('ssl_verify_client');
    // Per-hostname AOP off wins over zone-level on.
    const perHost = await run('clientCert', { mode: 'strict', facts: zone, reader: aop(true, false) });
    expect(codes(perHost.findings)).toEqual(['origin.requires_client_cert:error']);
    // nginx `optional`: the handshake completes and the origin answers 400 itself.
    const optional = await run('clientCertOptional', { mode: 'full', facts: zone, reader: aop(false) });
    expect(codes(optional.findings)).toEqual(['origin.requires_client_cert:error']);
    expect(optional.findings[0]?.detail).toContain('400');
    const unknown = await run('clientCert', { mode: 'strict' });
    expect(codes(unknown.findings)).toEqual(['origin.requires_client_cert:warn']);
  });

  it('HTTP/2 offered then broken is an error; working h2 and a zone capped at HTTP/1.1 are fine', async () => {
    const broken = await run('http2Broken', { mode: 'full' });
    expect(codes(broken.findings)).toEqual(['origin.http2_broken:error', 'origin.ok:ok', 'origin.tls_ok:ok']);
    expect(broken.findings.find((f) => f.code === 'origin.http2_broken')?.remediation.join(' ')).toContain(
      'HTTP/2 to Origin',
    );
    const capped = await run('http2Broken', {
      mode: 'full',
      facts: { settings: { originMaxHttpVersion: '1' } },
    });
    expect(problems(capped.findings)).toEqual([]);
    const working = await run('http2', { mode: 'full' });
    expect(problems(working.findings)).toEqual([]);
  });
});
