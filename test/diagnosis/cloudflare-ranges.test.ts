import { describe, expect, it } from 'vitest';
import { isCloudflareAddress } from '../../src/diagnosis/cloudflare-ranges.js';

describe('isCloudflareAddress', () => {
  it('matches addresses inside the published ranges, IPv4 and IPv6', () => {
    expect(isCloudflareAddress('104.16.132.229')).toBe(true);
    expect(isCloudflareAddress('172.67.1.1')).toBe(true);
    expect(isCloudflareAddress('2606:4700:3033::6815:84e5')).toBe(true);
    expect(isCloudflareAddress('2a06:98c7::1')).toBe(true);
    expect(isCloudflareAddress('::ffff:104.16.0.1')).toBe(true);
  });

  it('rejects addresses just outside, other networks and garbage', () => {
    expect(isCloudflareAddress('104.15.255.255')).toBe(false);
    expect(isCloudflareAddress('172.72.0.0')).toBe(false);
    expect(isCloudflareAddress('2a06:98c8::1')).toBe(false);
    expect(isCloudflareAddress('8.8.8.8')).toBe(false);
    expect(isCloudflareAddress('127.0.0.1')).toBe(false);
    for (const junk of [
      '',
      'cloudflare',
      '104.16.0',
      '104.16.0.1.5',
      '1::2::3',
      '2606:4700::zz',
      '300.1.1.1',
    ]) {
      expect(isCloudflareAddress(junk)).toBe(false);
    }
  });

  it('uses the ranges it is given instead of the bundled list', () => {
    const lab = { ipv4: ['127.0.0.0/8'], ipv6: ['::1/128'] };
    expect(isCloudflareAddress('127.0.0.7', lab)).toBe(true);
    expect(isCloudflareAddress('::1', lab)).toBe(true);
    expect(isCloudflareAddress('104.16.0.1', lab)).toBe(false);
    expect(isCloudflareAddress('10.0.0.1', { ipv4: ['not-a-cidr', '10.0.0.0/99'], ipv6: [] })).toBe(false);
  });
});
