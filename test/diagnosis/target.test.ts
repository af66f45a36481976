import { describe, expect, it } from 'vitest';
import { parseSite } from '../../src/diagnosis/target.js';

describe('parseSite', () => {
  it('accepts a bare hostname and normalises it', () => {
    const result = parseSite('  Shop.Example.COM. ');
    expect(result).toEqual({
      ok: true,
      target: { host: 'shop.example.com', scheme: 'https', path: '/', url: 'https://shop.example.com/' },
    });
  });

  it('keeps a default port the user typed (URL parsing drops it), but not one they did not', () => {
    const typed = parseSite('https://shop.example.com:443/cart');
    expect(typed.ok && typed.target.port).toBe(443);
    const bare = parseSite('shop.example.com:80');
    expect(bare.ok && bare.target.port).toBe(80);
    const none = parseSite('https://shop.example.com/cart');
    expect(none.ok && none.target.port).toBeUndefined();
    expect(typed.ok && typed.target.url).toBe('https://shop.example.com/cart');
  });

  it('accepts any URL form and keeps path, query and port', () => {
    const result = parseSite('http://shop.example.com:8080/cart?x=1');
    expect(result.ok && result.target).toMatchObject({
      host: 'shop.example.com',
      scheme: 'http',
      port: 8080,
      path: '/cart?x=1',
      url: 'http://shop.example.com:8080/cart?x=1',
    });
  });

  it('unwraps chat link markup', () => {
    const result = parseSite('<https://shop.example.com/|shop.example.com>');
    expect(result.ok && result.target.host).toBe('shop.example.com');
  });

  it('turns international names into punycode', () => {
    const result = parseSite('bücher.example');
    expect(result.ok && result.target.host).toBe('xn--bcher-kva.example');
  });

  it.each([
    ['', /no site/],
    [';rm -rf', /without spaces/],
    [';rm', /is not a/],
    ['shop.exa$mple.com', /not a (valid hostname|hostname or URL)/],
    [`${'a'.repeat(70)}.example.com`, /longer than 63/],
    ['rm -rf /', /without spaces/],
    [`${'a'.repeat(300)}.com`, /longer than 253/],
    ['localhost', /fully qualified/],
    ['2130706433', /IP address/],
    ['0x7f.1', /IP address/],
    ['http://[::1]/', /IP address/],
    ['ftp://shop.example.com', /unsupported scheme/],
    ['https://user:pw@shop.example.com', /credentials/],
    ['shop.example.123', /is not a/],
  ])('rejects %j with a clear reason', (input, reason) => {
    const result = parseSite(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
