// The origin check against the lab (test/fakes/origin-lab.ts): a healthy origin under each SSL mode,
// connection failures, timeouts against Cloudflare's waits, remediation on every problem over the
// whole lab, and its place after the Cloudflare check.

import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { originCheck } from '../../../../src/diagnosis/checks/origin/index.js';
import type { LabOriginName } from '../../../fakes/origin-lab-origins.js';
import { codes, lab, originLabForFile, problems, run } from './support/run-origin-check.js';

originLabForFile();

describe('origin check against the lab', () => {
  it('a healthy origin under Full (strict): TLS and HTTP ok, no alarm', async () => {
    const result = await run('healthy', { mode: 'strict' });
    expect(result.status).toBe('passed');
    expect(codes(result.findings)).toEqual(['origin.ok:ok', 'origin.tls_ok:ok']);
    expect(result.facts?.sslMode).toBe('strict');
    expect(result.facts?.observations.map((o) => o.request.port).sort()).toEqual(
      [lab.httpPort, lab.httpsPort].sort(),
    );
  });

  it('a healthy origin with the mode unknown: both ports probed, no alarm', async () => {
    const result = await run('healthy');
    expect(result.status).toBe('passed');
    expect(problems(result.findings)).toEqual([]);
    expect(codes(result.findings)).toEqual(['origin.ok:ok', 'origin.ok:ok', 'origin.tls_ok:ok']);
    expect(result.facts?.sslMode).toBeUndefined();
  });

  it('Flexible probes only the HTTP port', async () => {
    const result = await run('healthy', { mode: 'flexible' });
    expect(result.facts?.observations.map((o) => [o.request.port, o.request.tls])).toEqual([
      [lab.httpPort, false],
    ]);
    expect(codes(result.findings)).toEqual(['origin.ok:ok']);
  });

  it.each([
    ['refused', 'origin.connection_refused'],
    ['reset', 'origin.connection_reset'],
    ['garbage', 'origin.invalid_response'],
    ['closeMidHeaders', 'origin.connection_reset'],
    ['tlsAlert', 'origin.tls_handshake_failed'],
  ] as const)('%s under Full (strict) → %s', async (name, code) => {
    const result = await run(name, { mode: 'strict' });
    expect(result.status).toBe('failed');
    const found = result.findings.find((f) => f.code === code);
    expect(found?.severity).toBe('error');
    expect(found?.evidence).toMatchObject({ port: lab.httpsPort, address: lab.origins[name].address });
    expect(found?.remediation.length).toBeGreaterThan(0);
  });

  it('an answer within the bot’s budget but after the wait a Cache Rule sets is the 524 cause', async () => {
    // Answers after 1.3 s; a Cache Rule makes Cloudflare wait only 1 s for this request.
    const late = createServer((socket) => {
      socket.once('data', () => {
        setTimeout(
          () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'),
          1300,
        );
      });
    });
    await new Promise<void>((resolve) => late.listen(0, '127.0.0.61', resolve));
    try {
      const port = (late.address() as AddressInfo).port;
      const candidates = [{ address: '127.0.0.61', source: 'dns' as const, port }];
      const facts = { proxyReadTimeoutS: 1, proxyReadTimeoutFrom: 'Cache Rule "slow reports"' };
      const result = await run(undefined, { mode: 'flexible', candidates, timeoutMs: 3000, facts });
      const late524 = result.findings.find((f) => f.code === 'origin.response_timeout');
      expect(late524?.severity).toBe('error');
      expect(late524?.detail).toContain('Cache Rule "slow reports"');
      expect(late524?.remediation.join(' ')).toContain('Cache Rule');
      // The zone's 100 s: the same answer is fine.
      const fine = await run(undefined, { mode: 'flexible', candidates, timeoutMs: 3000 });
      expect(codes(problems(fine.findings))).toEqual([]);
    } finally {
      late.close();
    }
  });

  it('a connection that is never accepted is a connect timeout (522)', async () => {
    const result = await run('blackhole', { mode: 'full', timeoutMs: 600 });
    expect(codes(problems(result.findings))).toEqual(['origin.connect_timeout:error']);
    expect(result.findings[0]?.detail).toContain('522');
  });

  it('an origin slower than the bot but within Cloudflare’s wait is a warning quoting that wait, not a 524 claim', async () => {
    const result = await run('stall', { mode: 'flexible', timeoutMs: 600 });
    expect(codes(result.findings)).toEqual(['origin.response_timeout:warn']);
    expect(result.findings[0]?.detail).toContain('100 s');
    const quoted = await run('stall', {
      mode: 'flexible',
      timeoutMs: 600,
      facts: { proxyReadTimeoutS: 300, proxyReadTimeoutFrom: "the zone's proxy_read_timeout" },
    });
    expect(quoted.findings[0]?.evidence['proxyReadTimeoutS']).toBe(300);
    expect(quoted.findings[0]?.remediation.join(' ')).toContain('300 s');
  });

  it('the refused address and port are in the remediation', async () => {
    const result = await run('refused', { mode: 'full' });
    const refused = result.findings.find((f) => f.code === 'origin.connection_refused');
    expect(refused?.remediation[0]).toContain(`${lab.origins.refused.address}:${lab.httpsPort}`);
    expect(refused?.remediation.join(' ')).toContain('https://www.cloudflare.com/ips/');
  });

  it('every warn or error finding over the whole lab carries remediation', async () => {
    const names: LabOriginName[] = [
      'refused',
      'reset',
      'garbage',
      'badGateway',
      'expired',
      'selfSigned',
      'wrongName',
      'expiring',
      'hugeHeaders',
      'noHttps',
      'plainOnTls',
      'tlsAlert',
      'closeMidHeaders',
      'serverError',
    ];
    const results = await Promise.all(names.flatMap((name) => [run(name, { mode: 'strict' }), run(name)]));
    const missing = results.flatMap((r) => problems(r.findings)).filter((f) => f.remediation.length === 0);
    expect(missing.map((f) => f.code)).toEqual([]);
  });

  it('is registered to run after the Cloudflare check', () => {
    expect(originCheck.needs).toEqual(['cloudflare']);
    expect(originCheck.budgetMs?.({ timeoutMs: 10_000 })).toBeGreaterThan(10_000);
  });
});
