import { describe, expect, it } from 'vitest';
import { redactText } from '../../src/log/redact-text.js';

describe('redactText', () => {
  it('replaces configured secrets anywhere, also JSON-escaped', () => {
    const secret = 'abc"def\\ghi-123';
    const text = `x ${secret} y ${JSON.stringify({ v: secret })}`;
    const out = redactText(text, [secret]);
    expect(out).not.toContain('def');
    expect(out.match(/\[redacted\]/g)).toHaveLength(2);
  });

  it('leaves ordinary text, hosts and URLs alone', () => {
    const text = 'origin 203.0.113.7:443 refused; see https://shop.example.com/cart?x=1 (ray 8c1f2a)';
    expect(redactText(text, ['short', ''])).toBe(text);
  });

  it('masks credentials in query strings, basic auth and authorization values', () => {
    const out = redactText(
      'GET https://api.example/v1?token=s3cr3tvalue&x=1 redis://user:hunter2hunter2@redis:6379 Bearer abcdefghijklmnop',
    );
    expect(out).toBe(
      'GET https://api.example/v1?token=[redacted]&x=1 redis://user:[redacted]@redis:6379 Bearer [redacted]',
    );
  });
});
