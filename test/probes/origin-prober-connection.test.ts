// The origin probe connects the way Cloudflare does: the certificate request an origin sends
// (Authenticated Origin Pulls), HTTP/2 when the origin offers it in ALPN, and an Origin Rule's SNI,
// Host header and destination port. Real sockets on the loopback lab; every verdict comes from
// what the TLS stack and the parsers reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OriginObservation, OriginProbeRequest, OriginProber } from '../../src/diagnosis/ports.js';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { createOriginProber } from '../../src/probes/origin-prober.js';
import { type OriginLab, startOriginLab } from '../fakes/origin-lab.js';
import type { LabOriginName } from '../fakes/origin-lab-origins.js';

let lab: OriginLab;
let prober: OriginProber;

beforeAll(async () => {
  lab = await startOriginLab({
    site: 'shop.example.com',
    only: [
      'healthy',
      'clientCert',
      'clientCertTls12',
      'clientCertOptional',
      'http2',
      'http2Broken',
      'altPortOnly',
      'stall',
    ],
  });
  prober = createOriginProber({
    policy: createAddressPolicy(['127.0.0.0/8']),
    resolve: async () => [],
    extraCa: [lab.ca],
  });
});
afterAll(async () => {
  await lab?.close();
});

function probe(name: LabOriginName, extra: Partial<OriginProbeRequest> = {}): Promise<OriginObservation> {
  const origin = lab.origins[name];
  return prober.probe(
    { host: lab.site, address: origin.address, port: origin.httpsPort, tls: true, path: '/', ...extra },
    AbortSignal.timeout(1500),
  );
}

describe('client certificate requests (Authenticated Origin Pulls)', () => {
  it('TLS 1.3, verification required: the request is seen, then the certificate_required alert', async () => {
    const seen = await probe('clientCert');
    expect(seen.clientCertRequested).toBe(true);
    expect(seen.outcome).toBe('tls_failed');
    expect(seen.error?.code).toContain('CERTIFICATE_REQUIRED');
  });

  it('TLS 1.2, verification required: the handshake fails, and the request is still seen', async () => {
    const seen = await probe('clientCertTls12');
    expect(seen.outcome).toBe('tls_failed');
    expect(seen.error?.code).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect(seen.clientCertRequested).toBe(true);
  });

  it('verification optional: the handshake completes and nginx answers 400 itself', async () => {
    const seen = await probe('clientCertOptional');
    expect(seen.clientCertRequested).toBe(true);
    expect(seen.outcome).toBe('response');
    expect(seen.http?.status).toBe(400);
  });

  it('an ordinary origin sends no certificate request', async () => {
    const seen = await probe('healthy');
    expect(seen.outcome).toBe('response');
    expect(seen.clientCertRequested).toBeUndefined();
  });
});

describe('HTTP/2 to the origin', () => {
  it('an origin that offers h2 and speaks it answers over HTTP/2 too', async () => {
    const seen = await probe('http2', { http2: true });
    expect(seen.outcome).toBe('response');
    expect(seen.http?.status).toBe(200);
    expect(seen.http2).toMatchObject({ offered: true, outcome: 'response', status: 200 });
  });

  it('an origin that offers h2 and then breaks it: HTTP/1.1 works, HTTP/2 fails', async () => {
    const seen = await probe('http2Broken', { http2: true });
    expect(seen.outcome).toBe('response');
    expect(seen.http2?.offered).toBe(true);
    expect(seen.http2?.outcome).not.toBe('response');
    expect(seen.http2?.error?.code).toBeTruthy();
  });

  it('an origin that only speaks HTTP/1.1 is not offered as h2', async () => {
    const seen = await probe('healthy', { http2: true });
    expect(seen.http2).toEqual({ offered: false });
  });

  it('no HTTP/2 attempt unless asked, and never over plain HTTP', async () => {
    expect((await probe('http2')).http2).toBeUndefined();
    const plain = await probe('http2', { http2: true, tls: false, port: lab.origins.http2.httpPort });
    expect(plain.http2).toBeUndefined();
  });

  it('a stalled h2 attempt ends with the budget', async () => {
    const started = performance.now();
    const seen = await prober.probe(
      {
        host: lab.site,
        address: lab.origins.stall.address,
        port: lab.httpsPort,
        tls: true,
        path: '/',
        http2: true,
      },
      AbortSignal.timeout(600),
    );
    expect(performance.now() - started).toBeLessThan(1500);
    expect(seen.outcome).toBe('response_timeout');
  });
});

describe('Origin Rule overrides', () => {
  it('a destination port override reaches the origin that listens only there', async () => {
    const origin = lab.origins.altPortOnly;
    expect((await probe('altPortOnly')).outcome).toBe('refused');
    const seen = await probe('altPortOnly', { port: origin.altPort });
    expect(seen.outcome).toBe('response');
    expect(seen.request.port).toBe(origin.altPort);
  });

  it('SNI and Host overrides are what the origin sees: the certificate is judged for the SNI', async () => {
    const seen = await probe('healthy', { sni: 'other.example.com', hostHeader: 'backend.example.net' });
    expect(seen.outcome).toBe('response');
    // The lab certificate names shop.example.com, so a different SNI does not match it.
    expect(seen.tls?.hostnameMatches).toBe(false);
    const own = await probe('healthy', { hostHeader: 'shop.example.com' });
    expect(own.tls?.hostnameMatches).toBe(true);
  });
});
