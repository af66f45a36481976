// Evidence is typed per finding code (src/diagnosis/evidence.ts) on both sides: where a check builds
// a finding and where the remediation catalogue and the presenter read it. A renamed key must fail
// `npm run typecheck` (tsc checks test/ too), not quietly weaken the advice: each `@ts-expect-error`
// below must meet a type error, or typecheck fails on the unused directive.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { anyEvidence, type EvidenceKey, type EvidenceOf } from '../../src/diagnosis/evidence.js';
import { type Finding, finding, hasCode } from '../../src/diagnosis/finding.js';
import { remediationFor } from '../../src/diagnosis/remediation/catalogue.js';
import type { StepsByCode } from '../../src/diagnosis/remediation/steps.js';
import { factsInWords } from '../../src/present/fact-words.js';

const unreachable: EvidenceOf<'edge.unreachable'> = {
  url: 'https://shop.example.com/',
  address: '104.16.1.1',
  errorCode: 'CERT_HAS_EXPIRED',
  error: 'certificate has expired',
  totalMs: 40,
};

describe('typed evidence', () => {
  it('the advice is written from the keys the check writes', () => {
    const f = finding({
      code: 'edge.unreachable',
      severity: 'error',
      title: 't',
      detail: 'd',
      evidence: unreachable,
    });
    expect(f.remediation[0]).toMatch(/Edge Certificates/);
    expect(f.remediation[1]).toContain('curl -vI https://shop.example.com/');
  });

  it('a check writing a renamed key fails typecheck (and would lose the advice)', () => {
    const { errorCode, ...rest } = unreachable;
    const renamed = {
      ...rest,
      // @ts-expect-error edge.unreachable's evidence has `errorCode`, not `errCode`
      errCode: errorCode,
    } satisfies EvidenceOf<'edge.unreachable'>;
    // What the rename would have done unnoticed: the certificate advice is gone.
    expect(remediationFor('edge.unreachable', renamed)[0]).not.toMatch(/Edge Certificates/);
  });

  it('the catalogue reading a renamed key fails typecheck', () => {
    const steps: StepsByCode = {
      // @ts-expect-error the catalogue reads `errCode`, which edge.unreachable's evidence does not have
      'edge.unreachable': (e) => [String(e.errCode)],
      'edge.error': (e) => [String(e.rayId)],
    };
    expect(steps['edge.error']?.({ rayId: '8f01' })).toEqual(['8f01']);
  });

  it('a finding narrowed by its code reads its evidence typed', () => {
    const f = finding({
      code: 'edge.unreachable',
      severity: 'error',
      title: 't',
      detail: 'd',
      evidence: unreachable,
    });
    const any: Finding = f;
    if (!hasCode(any, 'edge.unreachable')) throw new Error('narrowing failed');
    expect(any.evidence.errorCode).toBe('CERT_HAS_EXPIRED');
    // @ts-expect-error no such key on edge.unreachable's evidence
    expect(any.evidence.errCode).toBeUndefined();
  });

  it('every shape of origin.intermittent lists its samples (product.md)', () => {
    expectTypeOf<EvidenceOf<'origin.intermittent'>>().toMatchTypeOf<{ samples: readonly object[] }>();
  });

  it('the presenter may only name keys some check writes', () => {
    // EvidenceKey is the union of the keys the checks write (EvidenceOf indexes a table that must
    // cover every FindingCode, so no code falls back to a plain record).
    // @ts-expect-error no check writes `expiresAt` (the certificate's expiry is `notAfter`)
    const stale: EvidenceKey = 'expiresAt';
    expect(stale).toBe('expiresAt');
  });

  it('the constructor for a code takes that code’s evidence only', () => {
    const f = finding({
      code: 'tunnel.down',
      severity: 'error',
      title: 't',
      detail: 'd',
      // @ts-expect-error a load balancer's evidence is not a tunnel's
      evidence: { loadBalancer: 'lb', pools: [], fallbackEnabled: false },
    });
    expect(f.code).toBe('tunnel.down');
  });

  it('a tunnel check writing a renamed key fails typecheck, and the facts lose the tunnel', () => {
    const down = {
      host: 'shop.example.com',
      tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
      // @ts-expect-error tunnel evidence has `tunnelName`, not `tunnel`
      tunnel: 'shop-prod',
      status: 'down',
    } satisfies EvidenceOf<'tunnel.down'>;
    expect(factsInWords({ evidence: down })).not.toContain('tunnel shop-prod');
  });

  it('the tunnel steps, the rules and the presenter reading a renamed key fail typecheck', () => {
    const steps: StepsByCode = {
      // @ts-expect-error the steps read `connections`; the tunnel check writes `activeConnections`
      'tunnel.degraded': (e) => [String(e.connections)],
      'lb.pool_unhealthy': (e) => (e.pools ?? []).map((p) => p.name),
    };
    expect(steps['lb.pool_unhealthy']?.({ pools: [] })).toEqual([]);
    const any = anyEvidence({ evidence: { tunnelName: 'shop-prod' } });
    expect(any.tunnelName).toBe('shop-prod');
    // @ts-expect-error no code's evidence has `tunnel`
    expect(any.tunnel).toBeUndefined();
  });
});
