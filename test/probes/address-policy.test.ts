import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { resolveGuarded } from '../../src/probes/guarded-connect.js';
import { normaliseAddress } from '../../src/probes/normalise-address.js';

const policy = createAddressPolicy([]);

describe('createAddressPolicy', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8'],
    ['172.16.0.1', '172.16.0.0/12'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.168.1.1', '192.168.0.0/16'],
    ['127.0.0.1', '127.0.0.0/8'],
    ['127.255.0.9', '127.0.0.0/8'],
    ['169.254.169.254', '169.254.169.254/32'],
    ['169.254.1.1', '169.254.0.0/16'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['100.100.100.200', '100.64.0.0/10'],
    ['0.0.0.0', '0.0.0.0/8'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['224.0.0.1', '224.0.0.0/4'],
    ['239.255.255.250', '224.0.0.0/4'],
    ['240.0.0.1', '240.0.0.0/4'],
    ['255.255.255.255', '255.255.255.255/32'],
    ['192.0.0.8', '192.0.0.0/24'],
    ['192.0.2.10', '192.0.2.0/24'],
    ['198.18.0.1', '198.18.0.0/15'],
    ['198.19.255.1', '198.18.0.0/15'],
    ['198.51.100.7', '198.51.100.0/24'],
    ['203.0.113.10', '203.0.113.0/24'],
    ['::1', '::1/128'],
    ['::', '::/128'],
    ['fe80::1', 'fe80::/10'],
    ['febf::1', 'fe80::/10'],
    ['fc00::1', 'fc00::/7'],
    ['fd12:3456::1', 'fc00::/7'],
    ['fd00:ec2::254', 'fd00:ec2::254/128'],
    ['fec0::1', 'fec0::/10'],
    ['ff02::1', 'ff00::/8'],
    ['2001:db8::1', '2001:db8::/32'],
    ['100::1', '100::/64'],
  ])('refuses %s (%s)', (ip, range) => {
    const verdict = policy.check(ip);
    expect(verdict).toMatchObject({ allowed: false, range });
  });

  it.each([
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:7F00:0001',
    '0:0:0:0:0:ffff:7f00:1',
    '0000:0000:0000:0000:0000:ffff:127.0.0.1',
    '[::ffff:127.0.0.1]',
    '::127.0.0.1',
    '::7f00:1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    '::ffff:0:7f00:1',
  ])('judges IPv6 %s by the IPv4 loopback it embeds', (ip) => {
    expect(policy.check(ip)).toMatchObject({ allowed: false, range: '127.0.0.0/8' });
  });

  it.each(['::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '2002:a9fe:a9fe::1'])(
    'catches the metadata address inside %s',
    (ip) => {
      expect(policy.check(ip)).toMatchObject({ allowed: false, range: '169.254.169.254/32' });
    },
  );

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '104.16.0.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1',
    '::ffff:1.1.1.1',
  ])('allows the public address %s', (ip) => {
    expect(policy.check(ip)).toEqual({ allowed: true });
  });

  it('refuses what is not an IP literal', () => {
    expect(policy.check('localhost')).toMatchObject({ allowed: false, range: 'invalid' });
    expect(policy.check('2130706433')).toMatchObject({ allowed: false });
    expect(policy.check('fe80::1%eth0')).toMatchObject({ allowed: false, range: 'fe80::/10' });
  });

  it('refuses IPv6 outside global unicast', () => {
    expect(policy.check('4000::1')).toMatchObject({ allowed: false });
  });

  it('opens only the ranges the allow list names', () => {
    const lab = createAddressPolicy(['127.0.0.0/8', 'fd00::/8']);
    expect(lab.check('127.0.0.2')).toEqual({ allowed: true });
    expect(lab.check('::ffff:127.0.0.2')).toEqual({ allowed: true });
    expect(lab.check('fd00::5')).toEqual({ allowed: true });
    expect(lab.check('::1')).toMatchObject({ allowed: false });
    expect(lab.check('10.0.0.1')).toMatchObject({ allowed: false });
    expect(lab.check('169.254.169.254')).toMatchObject({ allowed: false });
    const single = createAddressPolicy(['10.0.0.7']);
    expect(single.check('10.0.0.7')).toEqual({ allowed: true });
    expect(single.check('10.0.0.8')).toMatchObject({ allowed: false });
  });

  it('rejects a malformed allow list entry', () => {
    expect(() => createAddressPolicy(['10.0.0.0/33'])).toThrow(/CIDR/);
    expect(() => createAddressPolicy(['nope'])).toThrow(/CIDR/);
  });
});

describe('normaliseAddress', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
    ['::FFFF:127.0.0.1', '::ffff:7f00:1'],
    [' 203.0.113.10 ', '203.0.113.10'],
  ])('decodes %s to the IP %s', (input, ip) => {
    expect(normaliseAddress(input)).toEqual({ kind: 'ip', ip });
  });

  it('keeps hostnames as names, lower-cased and in punycode', () => {
    expect(normaliseAddress('Origin.Example.COM.')).toEqual({ kind: 'name', host: 'origin.example.com' });
    expect(normaliseAddress('bücher.example')).toEqual({ kind: 'name', host: 'xn--bcher-kva.example' });
  });

  it.each([
    '',
    '   ',
    'http://1.2.3.4/',
    '1.2.3.4:8080',
    'a b',
    'user@host',
    '1.2.3.4.5',
    '-bad.example',
    'x'.repeat(300),
  ])('refuses %j', (input) => {
    expect(normaliseAddress(input).kind).toBe('invalid');
  });
});

describe('resolveGuarded', () => {
  const signal = new AbortController().signal;
  const never = async (): Promise<string[]> => {
    throw new Error('must not resolve');
  };

  it('judges literal and numeric-trick IPs without resolving', async () => {
    expect(await resolveGuarded('0x7f.1', policy, never, signal)).toMatchObject({
      ok: false,
      kind: 'guarded',
      ip: '127.0.0.1',
      range: '127.0.0.0/8',
    });
    expect(await resolveGuarded('1.1.1.1', policy, never, signal)).toEqual({ ok: true, ip: '1.1.1.1' });
  });

  it('catches a name that resolves to loopback', async () => {
    const result = await resolveGuarded('evil.example', policy, async () => ['127.0.0.1'], signal);
    expect(result).toMatchObject({ ok: false, kind: 'guarded', ip: '127.0.0.1' });
  });

  it('refuses a name when any of its answers is guarded', async () => {
    const result = await resolveGuarded('mixed.example', policy, async () => ['1.1.1.1', '10.0.0.1'], signal);
    expect(result).toMatchObject({ ok: false, kind: 'guarded', ip: '10.0.0.1', range: '10.0.0.0/8' });
  });

  it('returns a public answer, IPv4 first', async () => {
    const result = await resolveGuarded(
      'ok.example',
      policy,
      async () => ['2606:4700::1', '1.1.1.1'],
      signal,
    );
    expect(result).toEqual({ ok: true, ip: '1.1.1.1' });
  });

  it('reports resolution failures and empty answers', async () => {
    const nx = Object.assign(new Error('queryA ENOTFOUND nx.example'), { code: 'ENOTFOUND' });
    expect(
      await resolveGuarded(
        'nx.example',
        policy,
        async () => {
          throw nx;
        },
        signal,
      ),
    ).toMatchObject({ ok: false, kind: 'resolve_failed', error: { code: 'ENOTFOUND' } });
    expect(await resolveGuarded('empty.example', policy, async () => [], signal)).toMatchObject({
      ok: false,
      kind: 'resolve_failed',
      error: { code: 'ENODATA' },
    });
    expect(await resolveGuarded('http://x/', policy, never, signal)).toMatchObject({
      ok: false,
      kind: 'resolve_failed',
      error: { code: 'EINVALIDADDRESS' },
    });
  });
});
