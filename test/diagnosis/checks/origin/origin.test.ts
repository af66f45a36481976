import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../../src/diagnosis/check.js';
import { createOriginCheck, originCheck } from '../../../../src/diagnosis/checks/origin/index.js';
import type { CloudflareReader } from '../../../../src/diagnosis/cloudflare-reader.js';
import type { CloudflareFacts, OriginFacts, SslMode } from '../../../../src/diagnosis/facts.js';
import type { Finding } from '../../../../src/diagnosis/finding.js';
import type { AddressPolicy, Ports } from '../../../../src/diagnosis/ports.js';
import { parseSite } from '../../../../src/diagnosis/target.js';
import { createAddressPolicy } from '../../../../src/probes/address-policy.js';
import { createOriginProber } from '../../../../src/probes/origin-prober.js';
import { type LabOriginName, type OriginLab, startOriginLab } from '../../../fakes/origin-lab.js';

let lab: OriginLab;
const LAB_NETS = ['127.0.0.0/8'];

beforeAll(async () => {
  lab = await startOriginLab({ site: 'shop.example.com' });
});
afterAll(async () => {
  await lab?.close();
});

interface RunOptions {
  mode?: SslMode;
  origin?: string;
  candidates?: CloudflareFacts['origins'];
  timeoutMs?: number;
  policy?: AddressPolicy;
  resolve?: (host: string) => Promise<string[]>;
  site?: string;
  noCloudflare?: boolean;
  /** More of what the Cloudflare check learned (settings, Origin Rules, the zone). */
  facts?: Partial<CloudflareFacts>;
  /** A Cloudflare reader for the reads the origin check makes itself (Authenticated Origin Pulls). */
  reader?: Partial<CloudflareReader>;
}

async function run(
  name: LabOriginName | undefined,
  opts: RunOptions = {},
): Promise<CheckResult<OriginFacts>> {
  const policy = opts.policy ?? createAddressPolicy(LAB_NETS);
  const unused = () => {
    throw new Error('not used by the origin check');
  };
  const ports: Ports = {
    resolver: { resolve: unused },
    edge: { probe: unused },
    origin: createOriginProber({
      policy,
      resolve: async (host) => (opts.resolve ? opts.resolve(host) : []),
      extraCa: [lab.ca],
    }),
    addresses: policy,
    clock: { now: () => new Date() },
    ...(opts.reader ? { cloudflare: opts.reader as CloudflareReader } : {}),
  };
  const parsed = parseSite(opts.site ?? 'https://shop.example.com/cart?x=1');
  if (!parsed.ok) throw new Error(parsed.reason);
  const timeoutMs = opts.timeoutMs ?? 2000;
  const cloudflare: CloudflareFacts = {
    origins: opts.candidates ?? (name ? [{ address: lab.origins[name].address, source: 'dns' }] : []),
    ...(opts.mode ? { sslMode: opts.mode } : {}),
    ...opts.facts,
  };
  const check = createOriginCheck({ ports: { http: lab.httpPort, https: lab.httpsPort } });
  return check.run({
    target: parsed.target,
    options: { timeoutMs, ...(opts.origin !== undefined ? { origin: opts.origin } : {}) },
    ports,
    signal: AbortSignal.timeout(check.budgetMs!({ timeoutMs })),
    facts: opts.noCloudflare ? {} : { cloudflare },
  });
}

const codes = (findings: Finding[]) => findings.map((f) => `${f.code}:${f.severity}`).sort();
const problems = (findings: Finding[]) =>
  findings.filter((f) => f.severity === 'warn' || f.severity === 'error');

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

  it('the web server’s own 502 page → origin.http_5xx naming the upstream', async () => {
    const result = await run('badGateway', { mode: 'strict' });
    const found = result.findings.find((f) => f.code === 'origin.http_5xx');
    expect(found).toMatchObject({
      severity: 'error',
      evidence: { status: 502, server: 'nginx/1.24.0', gatewayPage: 'nginx' },
    });
    expect(found?.detail).toContain('upstream');
    expect(found?.remediation[0]).toContain('upstream');
  });

  it('an application 500 is origin.http_5xx without the gateway story', async () => {
    const result = await run('serverError', { mode: 'flexible' });
    const found = result.findings.find((f) => f.code === 'origin.http_5xx');
    expect(found?.evidence['gatewayPage']).toBeNull();
  });

  it('oversized headers → origin.headers_too_large (warn)', async () => {
    const result = await run('hugeHeaders', { mode: 'flexible' });
    expect(codes(result.findings)).toEqual(['origin.headers_too_large:warn', 'origin.ok:ok']);
  });

  it('an HTTP/1.0 origin is fine', async () => {
    const result = await run('http10', { mode: 'flexible' });
    expect(result.findings[0]).toMatchObject({ code: 'origin.ok', evidence: { httpVersion: '1.0' } });
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
