import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyEdgePage } from '../../src/diagnosis/checks/edge/edge-page.js';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { createEdgeProber } from '../../src/probes/edge-prober.js';
import { createPublicResolver, resolveAddresses } from '../../src/probes/public-resolver.js';
import { type DnsServer, startDnsServer } from '../fakes/dns-server.js';
import { type FakeEdge, startFakeEdge } from '../fakes/fake-edge.js';

let dns: DnsServer;
let edge: FakeEdge;
let closedPort: number;
const lab = createAddressPolicy(['127.0.0.0/8']);

beforeAll(async () => {
  [dns, edge] = await Promise.all([
    startDnsServer({
      'shop.example.com': { A: ['127.0.0.1'] },
      'mixed.example.com': { A: ['127.0.0.1', '10.0.0.5'] },
    }),
    startFakeEdge(),
  ]);
  const spare: Server = createServer();
  closedPort = await new Promise<number>((resolve) => {
    spare.listen(0, '127.0.0.1', () => {
      const address = spare.address();
      spare.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
});
afterAll(async () => {
  await Promise.all([dns?.close(), edge?.close()]);
});
beforeEach(() => {
  edge.setBehaviour({ kind: 'healthy' });
});

function prober(
  options: { policy?: ReturnType<typeof createAddressPolicy>; ca?: boolean; maxBodyBytes?: number } = {},
) {
  return createEdgeProber({
    resolve: resolveAddresses(createPublicResolver([{ host: dns.host, port: dns.port }])),
    policy: options.policy ?? lab,
    ...(options.ca === false ? {} : { extraCa: [edge.ca] }),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
}

const budget = (ms = 5000) => AbortSignal.timeout(ms);

describe('createEdgeProber against a fake edge on loopback', () => {
  it('asks for HTML as check502 over verified TLS, with the site name as Host and SNI', async () => {
    const seen = edge.requests.length;
    const observation = await prober().probe(edge.url('shop.example.com', '/cart?x=1'), budget());
    expect(observation.error).toBeUndefined();
    expect(observation.address).toBe('127.0.0.1');
    expect(observation.response?.status).toBe(200);
    expect(observation.response?.body).toContain('Welcome to shop.example.com');
    expect(observation.response?.headers['server']).toBe('cloudflare');
    const request = edge.requests[seen];
    expect(request).toMatchObject({ host: 'shop.example.com', path: '/cart?x=1', scheme: 'https' });
    expect(request?.headers['accept']).toMatch(/^text\/html/);
    expect(request?.headers['user-agent']).toMatch(/check502/);
  });

  it("returns Cloudflare's branded page for classification", async () => {
    edge.setBehaviour({ kind: 'branded', code: 521, errorSource: 'host' });
    const observation = await prober().probe(edge.url('shop.example.com'), budget());
    expect(observation.response?.status).toBe(521);
    const page = classifyEdgePage(observation.response!);
    expect(page).toMatchObject({ cloudflareErrorCode: 521, blames: 'origin', colo: 'FRA' });
    expect(page.rayId).toBe(edge.requests.at(-1)?.rayId);
  });

  it('never connects to a name that resolves to a guarded address', async () => {
    const before = edge.connections();
    const strict = createAddressPolicy([]);
    const observation = await prober({ policy: strict }).probe(edge.url('shop.example.com'), budget());
    expect(observation.guarded).toMatchObject({ address: '127.0.0.1' });
    expect(observation.error?.code).toBe('EGUARDED');
    expect(observation.response).toBeUndefined();
    const mixed = await prober({ policy: createAddressPolicy(['127.0.0.0/8']) }).probe(
      edge.url('mixed.example.com'),
      budget(),
    );
    expect(mixed.guarded).toMatchObject({ address: '10.0.0.5' });
    const literal = await prober({ policy: strict }).probe(`https://127.0.0.1:${edge.port}/`, budget());
    expect(literal.guarded).toBeDefined();
    expect(edge.connections()).toBe(before);
  });

  it('caps a huge body and stops reading', async () => {
    edge.setBehaviour({ kind: 'huge', bytes: 20 * 1024 * 1024 });
    const observation = await prober().probe(edge.url('shop.example.com'), budget());
    expect(observation.response?.status).toBe(200);
    expect(observation.response?.body.length).toBe(64 * 1024);
    expect(observation.response?.bodyTruncated).toBe(true);
    const small = await prober({ maxBodyBytes: 1000 }).probe(edge.url('shop.example.com'), budget());
    expect(small.response?.body.length).toBe(1000);
  });

  it('records a redirect without following it', async () => {
    edge.setBehaviour({ kind: 'redirect', location: 'http://169.254.169.254/latest/meta-data/' });
    const seen = edge.requests.length;
    const observation = await prober().probe(edge.url('shop.example.com'), budget());
    expect(observation.response?.status).toBe(301);
    expect(observation.response?.headers['location']).toBe('http://169.254.169.254/latest/meta-data/');
    expect(edge.requests.length).toBe(seen + 1);
  });

  it('gives up when the edge stalls before or during the answer', async () => {
    // 2 s, not less: on a loaded machine the TLS handshake alone can take longer than a few hundred ms,
    // and the drip case needs its headers to arrive inside the budget.
    edge.setBehaviour({ kind: 'stall' });
    const stalled = await prober().probe(edge.url('shop.example.com'), budget(2000));
    expect(stalled.response).toBeUndefined();
    expect(stalled.error?.code).toBe('ETIMEDOUT');

    edge.setBehaviour({ kind: 'drip', intervalMs: 20 });
    const dripping = await prober().probe(edge.url('shop.example.com'), budget(2000));
    expect(dripping.response?.status).toBe(200);
    expect(dripping.response?.bodyTruncated).toBe(true);
    expect(dripping.error?.code).toBe('ETIMEDOUT');
  });

  it('names what failed when no answer came back', async () => {
    const untrusted = await prober({ ca: false }).probe(edge.url('shop.example.com'), budget());
    expect(untrusted.response).toBeUndefined();
    expect(untrusted.error?.code).toMatch(/CERT|SIGNATURE|SELF_SIGNED/);

    const refused = await prober().probe(`https://shop.example.com:${closedPort}/`, budget());
    expect(refused.error?.code).toBe('ECONNREFUSED');

    const missing = await prober().probe(edge.url('missing.example.com'), budget());
    expect(missing.error?.code).toBe('ENOTFOUND');
    expect(missing.address).toBeUndefined();

    const bad = await prober().probe('ftp://shop.example.com/', budget());
    expect(bad.error?.code).toBe('EINVALIDURL');
  });

  it('speaks plain HTTP when the URL says so', async () => {
    edge.setBehaviour({ kind: 'plain', code: 1033 });
    const observation = await prober().probe(edge.url('shop.example.com', '/', 'http'), budget());
    expect(observation.response?.status).toBe(530);
    expect(observation.response?.body).toBe('error code: 1033');
  });
});
