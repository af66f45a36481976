// The edge's gateway errors come and go while the origin, asked directly, answers every sample: the
// origin is named (as Cloudflare meets it), never the edge; and nothing is claimed when the direct
// samples did not all answer or the edge's failures are not about the origin leg.
import { describe, expect, it } from 'vitest';
import { correlate } from '../../../src/diagnosis/correlate.js';
import type { Facts } from '../../../src/diagnosis/facts.js';
import type { Finding } from '../../../src/diagnosis/finding.js';
import type { EdgeSample, OriginSample } from '../../../src/diagnosis/sampling-facts.js';
import { parseSite } from '../../../src/diagnosis/target.js';
import { reported } from '../../support/findings.js';

const parsed = parseSite('shop.example.com');
if (!parsed.ok) throw new Error('bad target');
const target = parsed.target;

const edgeSample = (atMs: number, status: number, cloudflareErrorCode?: number): EdgeSample => ({
  atMs,
  ok: status < 500,
  status,
  ...(cloudflareErrorCode ? { cloudflareErrorCode, colo: 'FRA' } : {}),
});
const direct = (n: number, ok = true): OriginSample[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: i < n / 2 ? 'fresh' : 'reused',
    endpoint: '192.0.2.10:443 (https)',
    atMs: i * 200,
    outcome: ok ? 'response' : 'reset',
    ok,
    ...(ok ? { status: 200 } : {}),
  }));

function edgeIntermittent(failed: number, total: number): Finding {
  return reported({
    code: 'edge.intermittent',
    severity: 'error',
    title: `${failed} of ${total} edge requests answered 520`,
    detail: 'x.',
    evidence: { failed, total },
  });
}

function run(edge: EdgeSample[], origin: OriginSample[], origins = 1) {
  const failed = edge.filter((s) => !s.ok).length;
  const facts: Partial<Facts> = {
    edgeSamples: { samples: edge, failed },
    originSamples: { samples: origin, failed: origin.filter((s) => !s.ok).length },
    cloudflare: {
      origins: Array.from({ length: origins }, (_, i) => ({ address: `192.0.2.${10 + i}`, source: 'dns' })),
    },
  };
  return correlate({ target, facts, findings: [edgeIntermittent(failed, edge.length)], checks: [] });
}

const mixed520 = [
  edgeSample(0, 200),
  edgeSample(200, 520, 520),
  edgeSample(400, 200),
  edgeSample(600, 520, 520),
];

describe('edge errors intermittent, origin answering directly', () => {
  it('names the origin, with the edge code as the failure mode and every edge sample in evidence', () => {
    const out = run(mixed520, direct(10));
    expect(out.primaryCause).toBe('origin.intermittent');
    const f = out.findings.find((x) => x.code === 'origin.intermittent')!;
    expect(f.title).toBe(
      'The origin fails intermittently as Cloudflare reaches it: 2 of 4 edge requests answered 520',
    );
    expect(f.detail).toMatch(/reset or closed the connection/);
    expect(f.detail).toMatch(/all 10 requests sent straight to 192\.0\.2\.10:443/);
    expect(f.evidence['failureMode']).toBe('edge_520');
    expect(f.evidence['samples']).toHaveLength(4);
    expect(out.findings.find((x) => x.code === 'edge.intermittent')!.detail).toMatch(
      /origin failing intermittently/,
    );
  });

  it('says the failing requests may have reached another origin when there are several', () => {
    const out = run(mixed520, direct(10), 3);
    expect(out.findings.find((x) => x.code === 'origin.intermittent')!.detail).toMatch(/one of 3 origins/);
  });

  it('does not name the origin when a direct sample failed too (the samples say how instead)', () => {
    const out = run(mixed520, [...direct(8), ...direct(2, false)]);
    expect(out.findings.some((x) => x.code === 'origin.intermittent')).toBe(false);
  });

  it('does not name the origin for edge failures that are not about the origin leg', () => {
    const noAnswer: EdgeSample = { atMs: 300, ok: false, errorCode: 'ECONNRESET' };
    const out = run([edgeSample(0, 200), noAnswer, edgeSample(600, 200)], direct(10));
    expect(out.primaryCause).toBe('edge.intermittent');
    const worker = run([edgeSample(0, 200), edgeSample(300, 500, 1101), edgeSample(600, 200)], direct(10));
    expect(worker.primaryCause).toBe('edge.intermittent');
  });
});

describe('every direct sample failed while the edge got some answers over the same second', () => {
  it('is a burst: the failure mode stays the cause, qualified intermittent, with origin.intermittent', () => {
    const failure = reported({
      code: 'origin.connection_reset',
      severity: 'error',
      title: 'The origin closed the connection without answering',
      detail: 'x.',
      evidence: { endpoint: '192.0.2.10:443' },
    });
    const origin = direct(6, false);
    const out = correlate({
      target,
      facts: {
        edgeSamples: { samples: mixed520, failed: 2 },
        originSamples: { samples: origin, failed: 6 },
      },
      findings: [edgeIntermittent(2, 4), failure],
      checks: [],
    });
    expect(out.primaryCause).toBe('origin.connection_reset');
    expect(out.findings.find((x) => x.code === 'origin.connection_reset')!.title).toMatch(/^Intermittent: /);
    const f = out.findings.find((x) => x.code === 'origin.intermittent')!;
    expect(f.evidence['failureCode']).toBe('origin.connection_reset');
    expect(f.title).toMatch(/all 6 direct requests .* failed, 2 of 4 through Cloudflare were answered/);
  });

  it('lists every sample in its evidence, direct and through Cloudflare (product.md: origin.intermittent)', () => {
    const out = correlate({
      target,
      facts: {
        edgeSamples: { samples: mixed520, failed: 2 },
        originSamples: { samples: direct(6, false), failed: 6 },
      },
      findings: [
        edgeIntermittent(2, 4),
        reported({ code: 'origin.connection_reset', evidence: { endpoint: '192.0.2.10:443' } }),
      ],
      checks: [],
    });
    const f = out.findings.find((x) => x.code === 'origin.intermittent')!;
    expect(f.evidence['samples']).toEqual(
      direct(6, false).map((s) => expect.objectContaining({ kind: s.kind, atMs: s.atMs, outcome: 'reset' })),
    );
    expect(f.evidence['edgeSamples']).toEqual(
      mixed520.map((s) => expect.objectContaining({ atMs: s.atMs, status: s.status })),
    );
  });
});
