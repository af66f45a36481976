import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OriginObservation, OriginProber } from '../../src/diagnosis/ports.js';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { CLOUDFLARE_ORIGIN_CA_ROOTS } from '../../src/probes/cloudflare-origin-ca.js';
import { createOriginProber } from '../../src/probes/origin-prober.js';
import { type OriginLab, startOriginLab } from '../fakes/origin-lab.js';
import type { LabOriginName } from '../fakes/origin-lab-origins.js';

const BUDGET_MS = 1500;
let lab: OriginLab;
let prober: OriginProber;

beforeAll(async () => {
  lab = await startOriginLab({ site: 'shop.example.com' });
  prober = createOriginProber({
    policy: createAddressPolicy(['127.0.0.0/8']),
    resolve: async () => [],
    extraCa: [lab.ca],
  });
});
afterAll(async () => {
  await lab?.close();
});

function probe(name: LabOriginName, tls: boolean, budget = BUDGET_MS): Promise<OriginObservation> {
  const origin = lab.origins[name];
  return prober.probe(
    {
      host: lab.site,
      address: origin.address,
      port: tls ? origin.httpsPort : origin.httpPort,
      tls,
      path: '/cart?x=1',
    },
    AbortSignal.timeout(budget),
  );
}

describe('origin prober against the lab', () => {
  it('reads a healthy HTTPS origin: trusted certificate, status, server, header size, body', async () => {
    const seen = await probe('healthy', true);
    expect(seen.outcome).toBe('response');
    expect(seen.resolvedAddress).toBe(lab.origins.healthy.address);
    expect(seen.tls).toMatchObject({
      trusted: true,
      expired: false,
      hostnameMatches: true,
      alpn: 'http/1.1',
    });
    expect(seen.tls?.certificate?.names).toEqual(['shop.example.com']);
    expect(seen.tls?.certificate?.issuer).toContain('check502 Lab CA');
    expect(seen.http).toMatchObject({
      status: 200,
      statusText: 'OK',
      httpVersion: '1.1',
      server: 'lab-origin',
    });
    expect(seen.http?.headerBytes).toBeGreaterThan(50);
    expect(seen.http?.bodySnippet).toContain('<title>shop</title>');
  });

  it('reads a healthy plain-HTTP origin', async () => {
    const seen = await probe('healthy', false);
    expect(seen.outcome).toBe('response');
    expect(seen.tls).toBeUndefined();
    expect(seen.http?.status).toBe(200);
  });

  it.each([
    ['refused', false, 'refused', 'ECONNREFUSED'],
    ['refused', true, 'refused', 'ECONNREFUSED'],
    ['reset', false, 'reset', 'ECONNRESET'],
    ['reset', true, 'reset', 'ECONNRESET'],
    ['resetOnAccept', false, 'reset', undefined],
    ['garbage', false, 'invalid_response', undefined],
    ['garbage', true, 'invalid_response', undefined],
    ['closeMidHeaders', false, 'reset', undefined],
    ['plainOnTls', true, 'tls_failed', 'ERR_SSL_WRONG_VERSION_NUMBER'],
    ['tlsAlert', true, 'tls_failed', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'],
  ] as const)('%s (tls=%s) → %s', async (name, tls, outcome, code) => {
    const seen = await probe(name, tls);
    expect(seen.outcome).toBe(outcome);
    if (code) expect(seen.error?.code).toBe(code);
    expect(seen.http).toBeUndefined();
  });

  it('an origin demanding a client certificate fails TLS with the alert it sent', async () => {
    const seen = await probe('clientCert', true);
    expect(seen.outcome).toBe('tls_failed');
    expect(seen.error?.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
  });

  it('a body that trickles forever still yields the status and headers', async () => {
    const seen = await probe('slowBody', false, 4000);
    expect(seen.outcome).toBe('response');
    expect(seen.http).toMatchObject({ status: 200 });
    expect(seen.http?.bodySnippet).toContain('<html>');
  });

  it('a listener that never accepts is a connect timeout', async () => {
    const seen = await probe('blackhole', false, 600);
    expect(seen.outcome).toBe('connect_timeout');
    expect(seen.error?.code).toBe('ETIMEDOUT');
  });

  it('an origin that accepts and never answers is a response timeout', async () => {
    expect((await probe('stall', false, 600)).outcome).toBe('response_timeout');
    const overTls = await probe('stall', true, 600);
    expect(overTls.outcome).toBe('response_timeout');
    expect(overTls.tls?.trusted).toBe(true);
  });

  it('a TLS port that never finishes the handshake is a TLS failure', async () => {
    const seen = await probe('tlsStall', true, 600);
    expect(seen.outcome).toBe('tls_failed');
    expect(seen.error?.code).toBe('TLS_HANDSHAKE_TIMEOUT');
  });

  it('an expired certificate is marked expired but still trusted (its CA is known)', async () => {
    const seen = await probe('expired', true);
    expect(seen.outcome).toBe('response');
    expect(seen.tls).toMatchObject({ expired: true, trusted: true, hostnameMatches: true });
    expect(new Date(seen.tls!.certificate!.validTo).getTime()).toBeLessThan(Date.now());
  });

  it('a self-signed certificate is untrusted with OpenSSL’s reason', async () => {
    const seen = await probe('selfSigned', true);
    expect(seen.tls).toMatchObject({ trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(seen.tls?.certificate?.selfSigned).toBe(true);
  });

  it('a certificate for another name does not match the site', async () => {
    const seen = await probe('wrongName', true);
    expect(seen.tls).toMatchObject({ trusted: true, hostnameMatches: false });
    expect(seen.tls?.certificate?.names).toEqual(['other.example.com']);
  });

  it('the lab CA is only trusted when given: without it the healthy origin is untrusted', async () => {
    const strict = createOriginProber({
      policy: createAddressPolicy(['127.0.0.0/8']),
      resolve: async () => [],
    });
    const origin = lab.origins.healthy;
    const seen = await strict.probe(
      { host: lab.site, address: origin.address, port: origin.httpsPort, tls: true, path: '/' },
      AbortSignal.timeout(BUDGET_MS),
    );
    expect(seen.tls?.trusted).toBe(false);
    expect(seen.tls?.certificate?.cloudflareOriginCa).toBe(false);
  });

  it('trusts a chain that ends in an Origin CA root, and says so', async () => {
    // The real Origin CA key is Cloudflare's; the lab CA stands in for it as the Origin CA root.
    const originCa = createOriginProber({
      policy: createAddressPolicy(['127.0.0.0/8']),
      resolve: async () => [],
      originCaRoots: [lab.ca],
    });
    const origin = lab.origins.healthy;
    const seen = await originCa.probe(
      { host: lab.site, address: origin.address, port: origin.httpsPort, tls: true, path: '/' },
      AbortSignal.timeout(BUDGET_MS),
    );
    expect(seen.tls).toMatchObject({ trusted: true, certificate: { cloudflareOriginCa: true } });
  });

  it('embeds Cloudflare’s real Origin CA roots (RSA and ECC), self-signed CAs', () => {
    const roots = CLOUDFLARE_ORIGIN_CA_ROOTS.map((pem) => new X509Certificate(pem));
    expect(roots.map((root) => root.subject)).toEqual([
      expect.stringContaining('OU=CloudFlare Origin SSL ECC Certificate Authority'),
      expect.stringContaining('OU=CloudFlare Origin SSL Certificate Authority'),
    ]);
    for (const root of roots) {
      expect(root.ca).toBe(true);
      expect(root.verify(root.publicKey)).toBe(true);
    }
  });

  it('judges expiry against the injected clock', async () => {
    const future = createOriginProber({
      policy: createAddressPolicy(['127.0.0.0/8']),
      resolve: async () => [],
      extraCa: [lab.ca],
      now: () => new Date(Date.now() + 2 * 365 * 86_400_000),
    });
    const origin = lab.origins.healthy;
    const seen = await future.probe(
      { host: lab.site, address: origin.address, port: origin.httpsPort, tls: true, path: '/' },
      AbortSignal.timeout(BUDGET_MS),
    );
    expect(seen.tls?.expired).toBe(true);
  });

  it('measures oversized headers instead of failing on them', async () => {
    const seen = await probe('hugeHeaders', false);
    expect(seen.outcome).toBe('response');
    expect(seen.http?.headerBytes).toBeGreaterThan(16 * 1024);
  });

  it('reads an HTTP/1.0 answer and the web server’s own 502 page', async () => {
    expect((await probe('http10', false)).http).toMatchObject({ status: 200, httpVersion: '1.0' });
    const gateway = await probe('badGateway', true);
    expect(gateway.http).toMatchObject({ status: 502, server: 'nginx/1.24.0' });
    expect(gateway.http?.bodySnippet).toContain('<center>nginx');
  });

  it('caps the body it keeps', async () => {
    const small = createOriginProber({
      policy: createAddressPolicy(['127.0.0.0/8']),
      resolve: async () => [],
      maxBodyBytes: 16,
    });
    const origin = lab.origins.badGateway;
    const seen = await small.probe(
      { host: lab.site, address: origin.address, port: origin.httpPort, tls: false, path: '/' },
      AbortSignal.timeout(BUDGET_MS),
    );
    expect(seen.http?.bodySnippet.length).toBe(16);
  });

  it('resolves names through the injected resolver and connects to the answer', async () => {
    const named = createOriginProber({
      policy: createAddressPolicy(['127.0.0.0/8']),
      resolve: async (host) => (host === 'origin.lab.test' ? [lab.origins.healthy.address] : []),
    });
    const seen = await named.probe(
      {
        host: lab.site,
        address: 'origin.lab.test',
        port: lab.origins.healthy.httpPort,
        tls: false,
        path: '/',
      },
      AbortSignal.timeout(BUDGET_MS),
    );
    expect(seen).toMatchObject({ outcome: 'response', resolvedAddress: lab.origins.healthy.address });
  });
});

describe('the guard in the prober', () => {
  it('never connects to a guarded address, however it is spelled or resolved', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.99', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      // Only 127.0.0.1 is opened: the listener on 127.0.0.99 stays guarded.
      const guarded = createOriginProber({
        policy: createAddressPolicy(['127.0.0.1/32']),
        resolve: async () => ['127.0.0.99'],
      });
      for (const address of [
        '127.0.0.99',
        '0x7f.0.0.99',
        '2130706531',
        '[::ffff:127.0.0.99]',
        'sneaky.example',
      ]) {
        const seen = await guarded.probe(
          { host: 'shop.example.com', address, port, tls: false, path: '/' },
          AbortSignal.timeout(BUDGET_MS),
        );
        expect(seen.outcome, address).toBe('guarded');
        expect(seen.guardedRange).toBe('127.0.0.0/8');
      }
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a port that is not a TCP port without throwing', async () => {
    const seen = await prober.probe(
      { host: 'shop.example.com', address: '127.0.0.1', port: 70000, tls: false, path: '/' },
      AbortSignal.timeout(BUDGET_MS),
    );
    expect(seen).toMatchObject({ outcome: 'unreachable', error: { code: 'EINVALIDPORT' } });
  });

  it('reports an unresolvable name as resolve_failed', async () => {
    const failing = createOriginProber({
      policy: createAddressPolicy([]),
      resolve: async () => {
        throw Object.assign(new Error('queryA ENOTFOUND nx.example'), { code: 'ENOTFOUND' });
      },
    });
    const seen = await failing.probe(
      { host: 'shop.example.com', address: 'nx.example', port: 443, tls: true, path: '/' },
      AbortSignal.timeout(BUDGET_MS),
    );
    expect(seen).toMatchObject({ outcome: 'resolve_failed', error: { code: 'ENOTFOUND' } });
  });
});
