import { describe, expect, it } from 'vitest';
import { hasSteps, remediationFor } from '../../../src/diagnosis/remediation/catalogue.js';

describe('edge and public DNS remediation', () => {
  it('has steps for every warn/error code the edge and public DNS checks emit', () => {
    for (const code of [
      'edge.error',
      'edge.unreachable',
      'dns.public_resolution_failed',
      'dns.public_private_address',
    ] as const) {
      expect(hasSteps(code)).toBe(true);
    }
  });

  it('gives each Cloudflare error code its own fix, then what to quote to support', () => {
    const seen = new Set<string>();
    for (const code of [520, 521, 522, 523, 524, 525, 526, 1016, 1033]) {
      const steps = remediationFor('edge.error', {
        status: code >= 1000 ? 530 : code,
        cloudflareErrorCode: code,
        generatedBy: 'cloudflare',
        blames: 'origin',
        rayId: '8a1b2c3d4e5f6789',
        colo: 'AMS',
      });
      expect(steps.length).toBeGreaterThan(1);
      expect(steps.at(-1)).toContain('Ray ID 8a1b2c3d4e5f6789 (colo AMS)');
      seen.add(steps[0] ?? '');
    }
    expect(seen.size).toBe(9);
  });

  it('sends an origin-generated 5xx to the application, not to Cloudflare settings', () => {
    const steps = remediationFor('edge.error', {
      status: 503,
      generatedBy: 'origin',
      cloudflareErrorCode: null,
    });
    expect(steps[0]).toMatch(/origin produced this 503/);
    expect(steps.at(-1)).toMatch(/support ticket/);
  });

  it('writes steps from partial evidence without crashing', () => {
    expect(remediationFor('edge.error', {}).length).toBeGreaterThan(0);
    expect(remediationFor('edge.unreachable', {}).length).toBeGreaterThan(0);
    expect(remediationFor('dns.public_resolution_failed', {}).length).toBeGreaterThan(0);
    expect(remediationFor('dns.public_private_address', {}).length).toBeGreaterThan(0);
  });
});
