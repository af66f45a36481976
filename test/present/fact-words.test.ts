// Facts in words read the keys the checks write: a tunnel, a certificate and a load balancer
// finding each put their main facts in words (these keys were once misnamed, so the facts vanished).
import { describe, expect, it } from 'vitest';
import { factsInWords } from '../../src/present/fact-words.js';
import { reported } from '../support/findings.js';

describe('facts in words', () => {
  it('names the tunnel and its connections, as the tunnel check writes them', () => {
    const down = reported({
      code: 'tunnel.down',
      evidence: {
        host: 'shop.example.com',
        tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
        tunnelName: 'shop-prod',
        status: 'down',
        activeConnections: 0,
      },
    });
    expect(factsInWords(down)).toEqual(expect.arrayContaining(['tunnel shop-prod', '0 connections']));
  });

  it("says when the origin's certificate expires, from notAfter", () => {
    const expired = reported({
      code: 'origin.tls_cert_expired',
      evidence: {
        subject: 'shop.example.com',
        issuer: "Let's Encrypt R11",
        notAfter: '2026-11-01T12:00:00.000Z',
      },
    });
    expect(factsInWords(expired)).toEqual([
      'expires 2026-11-01',
      'certificate for shop.example.com',
      "issued by Let's Encrypt R11",
    ]);
  });

  it('names the pools of a load balancer, not "?"', () => {
    const pool = { role: 'default', enabled: true, minimumOrigins: 1, unhealthyOrigins: [] } as const;
    const down = reported({
      code: 'lb.no_healthy_pool',
      evidence: {
        loadBalancer: 'shop.example.com',
        pools: [
          { ...pool, id: 'p1', name: 'primary-eu', healthy: false, unhealthyOrigins: [] },
          { ...pool, id: 'p2', name: 'secondary-us', healthy: false, unhealthyOrigins: [] },
        ],
        fallbackEnabled: false,
      },
    });
    expect(factsInWords(down)).toEqual(['pools primary-eu, secondary-us']);
  });
});
