import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { edgeCheck } from '../../../../src/diagnosis/checks/edge/index.js';
import { type DnsServer, startDnsServer } from '../../../fakes/dns-server.js';
import { edgeCertificates } from '../../../fakes/edge-certs.js';
import { checkContext, labPorts } from '../../../fakes/edge-lab.js';
import { type FakeEdge, startFakeEdge } from '../../../fakes/fake-edge.js';
import { startBlackhole } from '../../../fakes/origin-blackhole.js';

let dns: DnsServer;
let edge: FakeEdge;
const servers: Server[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  [dns, edge] = await Promise.all([
    startDnsServer({ 'shop.example.com': { A: ['127.0.0.1'] }, 'intranet.example.com': { A: ['10.9.9.9'] } }),
    startFakeEdge(),
  ]);
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([dns?.close(), edge?.close(), ...servers.map((s) => new Promise((r) => s.close(r)))]);
});
beforeEach(() => edge.setBehaviour({ kind: 'healthy' }));

const run = (timeoutMs = 3000) =>
  edgeCheck.run(checkContext(edge.url('shop.example.com'), labPorts(dns, { extraCa: [edge.ca] }), timeoutMs));

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('edgeCheck against the fake edge', () => {
  it('reports a healthy answer through Cloudflare with its ray and colo', async () => {
    const result = await run();
    expect(result.status).toBe('passed');
    expect(result.findings[0]).toMatchObject({
      code: 'edge.ok',
      severity: 'ok',
      evidence: { status: 200, colo: 'FRA' },
    });
    expect(result.facts).toMatchObject({ viaCloudflare: true, generatedBy: 'origin', status: 200 });
    expect(result.facts?.rayId).toBe(edge.requests.at(-1)?.rayId);
  });

  it("turns Cloudflare's 521 page into edge.error with the evidence support needs", async () => {
    edge.setBehaviour({ kind: 'branded', code: 521, errorSource: 'host' });
    const result = await run();
    const rayId = edge.requests.at(-1)?.rayId;
    expect(result.status).toBe('failed');
    const error = result.findings[0];
    expect(error).toMatchObject({
      code: 'edge.error',
      severity: 'error',
      evidence: { status: 521, rayId, cloudflareErrorCode: 521, blames: 'origin', generatedBy: 'cloudflare' },
    });
    expect(error?.title).toMatch(/could not connect to the origin.*\(521\)/i);
    const steps = error?.remediation.join('\n') ?? '';
    expect(steps).toMatch(/443/);
    expect(steps).toMatch(/cloudflare\.com\/ips/);
    expect(steps).toContain(`Ray ID ${rayId} (colo FRA)`);
    expect(result.facts).toMatchObject({ cloudflareErrorCode: 521, blames: 'origin' });
  });

  it('explains a tunnel without connector (530 / 1033), in either page form', async () => {
    for (const behaviour of [
      { kind: 'plain', code: 1033 } as const,
      { kind: 'branded', code: 1033 } as const,
    ]) {
      edge.setBehaviour(behaviour);
      const error = (await run()).findings[0];
      expect(error?.evidence).toMatchObject({
        status: 530,
        cloudflareErrorCode: 1033,
        generatedBy: 'cloudflare',
      });
      expect(error?.title).toMatch(/cloudflared/);
      expect(error?.remediation.join(' ')).toMatch(/cloudflared tunnel run/);
    }
  });

  it("tells an origin's own 503 passed through from a page Cloudflare generated", async () => {
    edge.setBehaviour({
      kind: 'passthrough',
      status: 503,
      body: '{"error":"maintenance"}',
      contentType: 'application/json',
    });
    const origin = (await run()).findings[0];
    expect(origin?.evidence).toMatchObject({ status: 503, generatedBy: 'origin', cloudflareErrorCode: null });
    expect(origin?.title).toMatch(/origin itself answered 503/);
    expect(origin?.remediation[0]).toMatch(/application/);

    edge.setBehaviour({ kind: 'minimal', status: 502 });
    const minimal = (await run()).findings[0];
    expect(minimal?.evidence).toMatchObject({
      generatedBy: 'cloudflare',
      cloudflareErrorCode: 502,
      pageForm: 'minimal',
    });
    expect(minimal?.remediation.join(' ')).toMatch(/cloudflarestatus/);

    edge.setBehaviour({ kind: 'branded', code: 502, errorSource: 'cloudflare' });
    expect((await run()).findings[0]?.evidence).toMatchObject({ blames: 'cloudflare' });
  });

  it("reports Cloudflare's own 4xx block page as information, not as a gateway error", async () => {
    const blocked =
      '<html><head><title>Access denied | shop.example.com used Cloudflare to restrict access</title></head><body><div id="cf-wrapper"><div id="cf-error-details"><h1><span class="cf-error-type">Error</span> <span class="cf-error-code">1020</span></h1></div></div></body></html>';
    edge.setBehaviour({ kind: 'passthrough', status: 403, body: blocked });
    const result = await run();
    expect(result.status).toBe('passed');
    expect(result.findings[0]).toMatchObject({
      code: 'edge.ok',
      severity: 'info',
      evidence: { status: 403, cloudflareErrorCode: 1020 },
    });
    expect(result.findings[0]?.detail).toMatch(/error 1020/);
  });

  it('does not probe a name whose public address is guarded', async () => {
    const before = edge.connections();
    const context = checkContext(edge.url('intranet.example.com'), labPorts(dns, { extraCa: [edge.ca] }));
    const result = await edgeCheck.run(context);
    expect(result.status).toBe('skipped');
    expect(result.findings[0]).toMatchObject({
      code: 'edge.not_probed',
      severity: 'info',
      evidence: { guardedAddress: '10.9.9.9' },
    });
    expect(result.facts?.generatedBy).toBe('none');
    expect(edge.connections()).toBe(before);
  });

  it('reports an edge that does not answer, within the budget', async () => {
    edge.setBehaviour({ kind: 'stall' });
    const stalled = await run(300);
    expect(stalled.findings[0]).toMatchObject({
      code: 'edge.unreachable',
      severity: 'error',
      evidence: { errorCode: 'ETIMEDOUT' },
    });
    expect(stalled.findings[0]?.remediation.length).toBeGreaterThan(0);

    const port = await closedPort();
    const refused = await edgeCheck.run(
      checkContext(`https://shop.example.com:${port}/`, labPorts(dns, { extraCa: [edge.ca] })),
    );
    expect(refused.findings[0]?.evidence['errorCode']).toBe('ECONNREFUSED');
  });
});

describe('edgeCheck with the fake edge proxying to misbehaving origins', () => {
  const proxied = (port: number, extra: { tls?: boolean; strict?: boolean; ca?: string[] } = {}) =>
    edge.setBehaviour({
      kind: 'proxy',
      origin: {
        address: '127.0.0.1',
        port,
        tls: extra.tls ?? false,
        connectTimeoutMs: 500,
        responseTimeoutMs: 500,
        ...extra,
      },
    });

  it('relays a healthy origin and its own errors, and swaps an origin 502 for the branded page', async () => {
    let status = 200;
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end(`<p>origin says ${status}</p>`);
      }),
    );
    proxied(port);
    expect((await run()).findings[0]).toMatchObject({ code: 'edge.ok', evidence: { status: 200 } });
    status = 500;
    expect((await run()).findings[0]?.evidence).toMatchObject({ status: 500, generatedBy: 'origin' });
    status = 502;
    expect((await run()).findings[0]?.evidence).toMatchObject({
      status: 502,
      generatedBy: 'cloudflare',
      blames: 'origin',
    });
  });

  it('answers 521 for a refused origin, 524 for a silent one and 502 for garbage', async () => {
    proxied(await closedPort());
    expect((await run()).findings[0]?.evidence).toMatchObject({ cloudflareErrorCode: 521, blames: 'origin' });

    proxied(await listen(createServer(() => {})));
    expect((await run()).findings[0]?.evidence).toMatchObject({ cloudflareErrorCode: 524 });

    proxied(await listen(createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'))));
    expect((await run()).findings[0]?.evidence).toMatchObject({ cloudflareErrorCode: 502 });

    proxied(await listen(createServer((socket) => socket.destroy())));
    expect((await run()).findings[0]?.evidence).toMatchObject({ cloudflareErrorCode: 520 });
  });

  it('answers 522 for an origin that never completes the TCP handshake', async () => {
    const blackhole = await startBlackhole('127.0.0.1');
    try {
      proxied(blackhole.port);
      expect((await run()).findings[0]?.evidence).toMatchObject({
        cloudflareErrorCode: 522,
        blames: 'origin',
      });
    } finally {
      await blackhole.close();
    }
  });

  it('answers 525 for plain HTTP on the TLS port and 526 for a wrong-name certificate under strict', async () => {
    const plain = await listen(createHttpServer((_req, res) => res.end('plain')));
    proxied(plain, { tls: true });
    expect((await run()).findings[0]?.evidence).toMatchObject({ cloudflareErrorCode: 525 });

    const other = await edgeCertificates(['other.example.org']);
    const tls = await listen(
      createTlsServer({ cert: other.cert, key: other.key }, (socket) => {
        socket.on('data', () =>
          socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'),
        );
      }),
    );
    proxied(tls, { tls: true, strict: true, ca: [other.ca] });
    const strict = (await run()).findings[0];
    expect(strict?.evidence).toMatchObject({ cloudflareErrorCode: 526, blames: 'origin' });
    expect(strict?.remediation.join(' ')).toMatch(/Origin CA/);

    proxied(tls, { tls: true, strict: false });
    expect((await run()).findings[0]).toMatchObject({ code: 'edge.ok', evidence: { status: 200 } });
  });
});
