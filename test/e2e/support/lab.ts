// The e2e lab: everything a user's world would hold, on loopback, for the BUILT CLI run as a child
// process. One port number P serves the "edge" on 127.0.0.1 (a TCP relay to the fake edge) and
// every lab origin's HTTPS side on 127.0.0.2x, so `https://shop.lab.test:P/` reaches the edge and
// the origin probe (which keeps the URL's port) reaches the origin. Fake DNS answers the site with
// 127.0.0.1; the fake Cloudflare API holds the zone; the lab CAs are trusted through
// NODE_EXTRA_CA_CERTS, the product's real trust path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyScenario, FAKE_TOKEN, type FakeScenario } from '../../fakes/cloudflare-api/scenario.js';
import { type FakeCloudflareApi, startFakeCloudflareApi } from '../../fakes/cloudflare-api/server.js';
import { type DnsServer, startDnsServer } from '../../fakes/dns-server.js';
import { type EdgeBehaviour, type FakeEdge, startFakeEdge } from '../../fakes/fake-edge.js';
import { type OriginLab, startOriginLab } from '../../fakes/origin-lab.js';
import type { LabOriginName } from '../../fakes/origin-lab-origins.js';

export const SITE = 'shop.lab.test';
export const ZONE = 'lab.test';
export const ZONE_ID = '9a7806061c88ada191ed06f989cc3dac';
export const ACCOUNT_ID = '01a7362d577a6c3019a474fd6f485823';
export const TUNNEL_ID = 'c1744f8b-faa1-48a4-9e5c-02ac921467fa';

export interface E2eLab {
  origins: OriginLab;
  edge: FakeEdge;
  dns: DnsServer;
  api: FakeCloudflareApi;
  /** The one port number of the edge relay and every origin's HTTPS side. */
  port: number;
  /** `https://shop.lab.test:P/` */
  url: string;
  /** Temp folder holding the CA bundle and the network logs. */
  dir: string;
  caFile: string;
  /** Edge behaviour that forwards to a lab origin like Cloudflare would (52x on failure). */
  proxyTo(name: LabOriginName, options?: { strict?: boolean }): EdgeBehaviour;
  /** A zone holding one proxied record for the site, in the given SSL mode. */
  zone(record: Record<string, unknown>, ssl?: string): FakeScenario;
  close(): Promise<void>;
}

export async function startE2eLab(options: { delayMs?: number } = {}): Promise<E2eLab> {
  const delay = options.delayMs ?? 0;
  const [edge, dns, api] = await Promise.all([
    startFakeEdge({ hostnames: [SITE, `*.${ZONE}`] }),
    startDnsServer({ [SITE]: { A: ['127.0.0.1'], ...(delay > 0 ? { delayMs: delay } : {}) } }),
    startFakeCloudflareApi(),
  ]);
  // The origin lab picks its port numbers; the relay must then get the same number on 127.0.0.1.
  let origins: OriginLab | undefined;
  let relay: Relay | undefined;
  for (let attempt = 1; !relay; attempt++) {
    origins = await startOriginLab({ site: SITE, ...(delay > 0 ? { delayMs: delay } : {}) });
    try {
      relay = await startRelay(origins.httpsPort, edge.port);
    } catch (error) {
      await origins.close();
      if (attempt >= 5) throw error;
    }
  }
  const lab = origins!;
  const dir = mkdtempSync(join(tmpdir(), 'check502-e2e-'));
  const caFile = join(dir, 'lab-ca.pem');
  writeFileSync(caFile, `${lab.ca.trim()}\n${edge.ca.trim()}\n`);
  const port = lab.httpsPort;

  return {
    origins: lab,
    edge,
    dns,
    api,
    port,
    url: `https://${SITE}:${port}/`,
    dir,
    caFile,
    proxyTo: (name, { strict = false } = {}) => ({
      kind: 'proxy',
      origin: {
        address: lab.origins[name].address,
        port,
        tls: true,
        strict,
        ca: [lab.ca],
        connectTimeoutMs: 1500,
        responseTimeoutMs: 1500,
      },
    }),
    zone: (record, ssl = 'full') => {
      const s = emptyScenario();
      s.token = FAKE_TOKEN;
      s.zones = [{ id: ZONE_ID, name: ZONE, accountId: ACCOUNT_ID }];
      s.records = { [ZONE_ID]: [{ name: SITE, proxied: true, ...record }] };
      s.settings = { [ZONE_ID]: { ssl, min_tls_version: '1.2', always_use_https: 'on' } };
      // In the lab, Cloudflare's edge is 127.0.0.1: public DNS answering it is "on Cloudflare".
      s.ips = { ipv4_cidrs: ['127.0.0.1/32'], ipv6_cidrs: ['2400:cb00::/32'] };
      return s;
    },
    async close() {
      await Promise.all([relay!.close(), lab.close(), edge.close(), dns.close(), api.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Relay {
  close(): Promise<void>;
}

/** A TCP relay 127.0.0.1:port → 127.0.0.1:target (TLS passes through untouched). */
function startRelay(port: number, target: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = netConnect({ host: '127.0.0.1', port: target });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
