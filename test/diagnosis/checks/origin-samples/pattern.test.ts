import { describe, expect, it } from 'vitest';
import { failurePattern } from '../../../../src/diagnosis/checks/origin-samples/pattern.js';
import type { OriginSample } from '../../../../src/diagnosis/sampling-facts.js';

const s = (kind: OriginSample['kind'], atMs: number, ok: boolean): OriginSample => ({
  kind,
  endpoint: '192.0.2.10:443 (https)',
  atMs,
  outcome: ok ? 'response' : 'reset',
  ok,
});
const fresh = (pattern: string) => [...pattern].map((c, i) => s('fresh', i * 200, c === '.'));
const reused = (pattern: string) => [...pattern].map((c, i) => s('reused', i * 200 + 5, c === '.'));

describe('failure pattern of the samples', () => {
  it('failures only on the kept-alive connection', () => {
    expect(failurePattern([...fresh('.....'), ...reused('.X')]).pattern).toBe('reused_only');
  });
  it('failures only on fresh connections while the kept-alive one answered', () => {
    expect(failurePattern([...fresh('.X..X'), ...reused('.....')]).pattern).toBe('fresh_only');
  });
  it('one run of failures in time order, answers around it, is a burst with its times', () => {
    const p = failurePattern([...fresh('.XX..'), ...reused('X')]);
    expect(p.pattern).toBe('burst');
    expect(p.words).toMatch(/\+200 ms to \+400 ms/);
  });
  it('anything else is scattered', () => {
    expect(failurePattern([...fresh('X.X.X'), ...reused('X')]).pattern).toBe('scattered');
    expect(failurePattern([...fresh('X....'), ...reused('X')]).pattern).toBe('scattered');
  });
});
