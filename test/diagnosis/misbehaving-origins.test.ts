// A sweep of misbehaving origins, each a tiny loopback server, through the whole chain a user runs:
// the zone from the fake API (SSL mode, the record pointing at the origin), the edge as Cloudflare
// shows it for that origin (the documented 52x, or the origin's own page passed through), the real
// origin prober, and the engine. For each: the probe connects where Cloudflare would (the port the
// SSL mode implies), the primary cause is right, and a healthy origin raises no alarm.

import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudflareCache } from '../../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../../src/cloudflare/create-cloudflare-reader.js';
import type { AnyCheck } from '../../src/diagnosis/check.js';
import { cloudflareCheck } from '../../src/diagnosis/checks/cloudflare/index.js';
import { edgeCheck } from '../../src/diagnosis/checks/edge/index.js';
import { createOriginCheck } from '../../src/diagnosis/checks/origin/index.js';
import { createOriginSamplesCheck } from '../../src/diagnosis/checks/origin-samples/index.js';
import { diagnose } from '../../src/diagnosis/engine.js';
import type { Ports } from '../../src/diagnosis/ports.js';
import type { Report } from '../../src/diagnosis/report.js';
import { parseSite } from '../../src/diagnosis/target.js';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { createEdgeProber } from '../../src/probes/edge-prober.js';
import { createKeepAliveProber } from '../../src/probes/keepalive-prober.js';
import { createOriginProber } from '../../src/probes/origin-prober.js';
import { type LabCertificates, makeLabCertificates } from '../fakes/certs.js';
import { FAKE_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../fakes/cloudflare-api/server.js';
import { type EdgeBehaviour, type FakeEdge, startFakeEdge } from '../fakes/fake-edge.js';
import { afterRequest, raw, startTinyOrigin, type TinyOrigin, type TinySpec } from '../fakes/tiny-origin.js';
import { aRecordZone, HOST, ZONE_ID } from '../support/cloudflare-scenarios.js';

let certs: LabCertificates;
/** A self-signed RSA leaf: Cloudflare offers only RSA suites over TLS 1.0/1.1. */
let rsa: { cert: string; key: string };
let edge: FakeEdge;
let api: FakeCloudflareApi;

beforeAll(async () => {
  certs = await makeLabCertificates(HOST);
  const made = await generate([{ name: 'commonName', value: HOST }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: HOST }] }],
  } as never);
  rsa = { cert: made.cert, key: made.private };
  [edge, api] = await Promise.all([startFakeEdge(), startFakeCloudflareApi()]);
});
afterAll(async () => {
  await Promise.all([edge?.close(), api?.close()]);
});

const OK_PAGE = '<!doctype html><title>shop</title>ok';
const ok: TinySpec['respond'] = (socket) =>
  afterRequest(socket, () =>
    socket.end(
      raw(
        '200 OK',
        { 'Content-Type': 'text/html', 'Content-Length': String(OK_PAGE.length), Connection: 'close' },
        OK_PAGE,
      ),
    ),
  );
const tlsWith = (cert: 'valid' | 'expired' | 'wrongName' | 'selfSigned', respond = ok): TinySpec => ({
  respond,
  tls: { cert: certs[cert].cert, key: certs[cert].key },
});
const plain = (respond = ok): TinySpec => ({ respond });
const headers =
  (extra: Record<string, string>): TinySpec['respond'] =>
  (socket) =>
    afterRequest(socket, () => socket.end(raw('200 OK', { 'Content-Length': '2', ...extra }, 'ok')));

interface Case {
  name: string;
  mode: 'flexible' | 'full' | 'strict';
  http?: () => TinySpec;
  https?: () => TinySpec;
  edge: EdgeBehaviour;
  /** Expected primary cause; null: nothing wrong for visitors. */
  cause: string | null;
  /** The origin leg Cloudflare uses in this mode, which must have seen the probe. */
  leg: 'http' | 'https';
  timeoutMs?: number;
  /** Also sample the origin (fresh and kept-alive connections): a steady failure is not "intermittent". */
  samples?: number;
}

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';

const CASES: Case[] = [
  {
    name: 'healthy over HTTPS (Full strict)',
    mode: 'strict',
    https: () => tlsWith('valid'),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    name: 'healthy over HTTP (Flexible)',
    mode: 'flexible',
    http: () => plain(),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'http',
  },
  {
    name: 'resets the connection after the headers',
    mode: 'strict',
    https: () =>
      tlsWith('valid', (socket, tcp) =>
        afterRequest(socket, () => {
          socket.write(
            raw('200 OK', { 'Content-Type': 'text/html', 'Content-Length': '5000' }, '<html><body>partial'),
          );
          setTimeout(() => tcp.resetAndDestroy(), 50);
        }),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.connection_reset',
    leg: 'https',
  },
  {
    name: 'closes mid-body (fewer bytes than Content-Length)',
    mode: 'flexible',
    http: () =>
      plain((socket) =>
        afterRequest(socket, () =>
          socket.end(
            raw('200 OK', { 'Content-Type': 'text/html', 'Content-Length': '5000' }, '<html><body>partial'),
          ),
        ),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.connection_reset',
    leg: 'http',
    samples: 3,
  },
  {
    name: 'malformed status line',
    mode: 'flexible',
    http: () =>
      plain((socket) =>
        afterRequest(socket, () => socket.end('HTTP/1.1 2O0 OK\r\nContent-Length: 2\r\n\r\nok')),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.invalid_response',
    leg: 'http',
  },
  {
    name: 'answers bytes that are not HTTP',
    mode: 'strict',
    https: () =>
      tlsWith('valid', (socket) =>
        afterRequest(socket, () => socket.end('\u0000\u0001SSH-2.0-OpenSSH_9.6\r\n')),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.invalid_response',
    leg: 'https',
  },
  {
    name: 'plain HTTP on the TLS port under Full (525)',
    mode: 'full',
    https: () => plain(),
    edge: { kind: 'branded', code: 525 },
    cause: 'origin.tls_handshake_failed',
    leg: 'https',
  },
  {
    name: 'expired certificate under Full: works, no error',
    mode: 'full',
    https: () => tlsWith('expired'),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    name: 'expired certificate under Full (strict): 526',
    mode: 'strict',
    https: () => tlsWith('expired'),
    edge: { kind: 'branded', code: 526 },
    cause: 'origin.tls_cert_expired',
    leg: 'https',
  },
  {
    name: 'wrong-name certificate under Full: works, no error',
    mode: 'full',
    https: () => tlsWith('wrongName'),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    name: 'wrong-name certificate under Full (strict): 526',
    mode: 'strict',
    https: () => tlsWith('wrongName'),
    edge: { kind: 'branded', code: 526 },
    cause: 'origin.tls_cert_hostname_mismatch',
    leg: 'https',
  },
  {
    name: 'self-signed certificate under Full: works, no error',
    mode: 'full',
    https: () => tlsWith('selfSigned'),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    name: 'self-signed certificate under Full (strict): 526',
    mode: 'strict',
    https: () => tlsWith('selfSigned'),
    edge: { kind: 'branded', code: 526 },
    cause: 'origin.tls_cert_untrusted',
    leg: 'https',
  },
  {
    // Cloudflare offers TLS 1.0–1.3 to origins (ssl/origin-configuration/cipher-suites): it connects.
    name: 'TLS 1.0/1.1 only, RSA certificate, Full: Cloudflare connects, no false 525',
    mode: 'full',
    https: () => ({
      respond: ok,
      tls: {
        cert: rsa.cert,
        key: rsa.key,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
    }),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    // connection-limits: response headers 32 KB in total, 16 KB per header; past them, 520.
    name: 'one response header over 16 KB (520)',
    mode: 'flexible',
    http: () => plain(headers({ 'Set-Cookie': `session=${'c'.repeat(17 * 1024)}` })),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.headers_too_large',
    leg: 'http',
  },
  {
    name: 'response headers over 32 KB in total (520)',
    mode: 'flexible',
    http: () =>
      plain(
        headers(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`X-Trace-${i}`, 't'.repeat(900)]))),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.headers_too_large',
    leg: 'http',
  },
  {
    name: '20 KB of headers, within the limits: served, no error',
    mode: 'flexible',
    http: () =>
      plain(
        headers(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-Trace-${i}`, 't'.repeat(1000)]))),
      ),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'http',
  },
  {
    name: 'accepts and never answers, the edge shows 524',
    mode: 'strict',
    https: () => tlsWith('valid', () => {}),
    edge: { kind: 'branded', code: 524 },
    cause: 'origin.response_timeout',
    leg: 'https',
    timeoutMs: 1500,
  },
  {
    name: 'its own 502 (the app behind nginx is down) passes through Cloudflare',
    mode: 'strict',
    https: () =>
      tlsWith('valid', (socket) =>
        afterRequest(socket, () =>
          socket.end(
            raw(
              '502 Bad Gateway',
              {
                Server: 'nginx/1.24.0',
                'Content-Type': 'text/html',
                'Content-Length': String(NGINX_502.length),
              },
              NGINX_502,
            ),
          ),
        ),
      ),
    edge: { kind: 'passthrough', status: 502, body: NGINX_502 },
    cause: 'origin.http_5xx',
    leg: 'https',
  },
  {
    name: 'redirect loop: Flexible and an origin that sends HTTP to HTTPS',
    mode: 'flexible',
    http: () =>
      plain((socket) =>
        afterRequest(socket, () =>
          socket.end(raw('301 Moved Permanently', { Location: `https://${HOST}/`, 'Content-Length': '0' })),
        ),
      ),
    https: () => tlsWith('valid'),
    edge: { kind: 'redirect', location: `https://${HOST}/`, status: 301 },
    cause: 'ssl.flexible_redirect_loop',
    leg: 'http',
  },
];

async function closedPort(address: string): Promise<number> {
  const spare = await startTinyOrigin(address, { respond: () => {} });
  await spare.close();
  return spare.port;
}

async function run(
  c: Case,
  address: string,
): Promise<{ report: Report; seen: Record<'http' | 'https', number> }> {
  const started: TinyOrigin[] = [];
  try {
    const http = c.http ? await startTinyOrigin(address, c.http()) : undefined;
    if (http) started.push(http);
    const https = c.https ? await startTinyOrigin(address, c.https()) : undefined;
    if (https) started.push(https);
    const ports = {
      http: http?.port ?? (await closedPort(address)),
      https: https?.port ?? (await closedPort(address)),
    };
    const scenario = aRecordZone();
    scenario.records[ZONE_ID] = [{ type: 'A', name: HOST, content: address, proxied: true }];
    scenario.settings[ZONE_ID]!['ssl'] = c.mode;
    api.scenario = scenario;
    edge.setBehaviour(c.edge);
    const policy = createAddressPolicy(['127.0.0.0/8']);
    const resolve = async () => ['127.0.0.1'];
    const edgeProber = createEdgeProber({ resolve, policy, extraCa: [edge.ca] });
    const probePorts: Ports = {
      resolver: { resolve: async (host) => ({ host, addresses: [], cnames: [], resolvers: [] }) },
      addresses: policy,
      edge: {
        probe: (url, signal) => edgeProber.probe(url.replace(`//${HOST}`, `//${HOST}:${edge.port}`), signal),
      },
      origin: createOriginProber({ resolve, policy, extraCa: [certs.ca.cert] }),
      keepAlive: createKeepAliveProber({ resolve, policy }),
      cloudflare: createCloudflareReader({
        token: FAKE_TOKEN,
        baseUrl: api.baseUrl,
        cache: createCloudflareCache(),
      }),
      clock: { now: () => new Date() },
    };
    const checks: AnyCheck[] = [cloudflareCheck, edgeCheck, createOriginCheck({ ports })];
    if (c.samples) checks.push(createOriginSamplesCheck({ ports }));
    const parsed = parseSite(HOST);
    if (!parsed.ok) throw new Error(parsed.reason);
    const options = { timeoutMs: c.timeoutMs ?? 2500, ...(c.samples ? { samples: c.samples } : {}) };
    const report = await diagnose(parsed.target, options, probePorts, checks);
    return { report, seen: { http: http?.connections() ?? 0, https: https?.connections() ?? 0 } };
  } finally {
    await Promise.all(started.map((s) => s.close()));
  }
}

describe('misbehaving origins, as Cloudflare reaches them', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_, c, i) => {
    const { report, seen } = await run(c, `127.0.0.${100 + i}`);
    const problems = report.findings.filter((f) => f.severity === 'error' || f.severity === 'warn');
    const summary = problems.map((f) => `${f.code}:${f.severity}`).join(', ');
    expect(seen[c.leg], `the probe connected to the ${c.leg} leg`).toBeGreaterThan(0);
    if (c.cause === null) {
      // Visitors are served: no error, at most a warning about a risk (e.g. a certificate Full ignores).
      expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual([]);
      expect(report.verdict).not.toBe('failing');
    } else {
      expect(report.primaryCause, summary).toBe(c.cause);
      if (c.samples)
        expect(
          report.findings.map((f) => f.code),
          summary,
        ).not.toContain('origin.intermittent');
      const cause = report.findings.find((f) => f.code === c.cause);
      expect(cause?.severity).toBe('error');
      expect(cause?.remediation.length).toBeGreaterThan(0);
    }
  });
});
