import { describe, expect, it } from 'vitest';
import { discordPublicKey, verifyDiscordSignature } from '../../../src/chat/discord/verify-signature.js';
import { makeKeys, signedHeaders } from './signing.js';

describe('verifyDiscordSignature', () => {
  const keys = makeKeys();
  const key = discordPublicKey(keys.publicKeyHex);
  const body = '{"type":1}';
  const now = Date.now();

  function check(headers: Record<string, string>, raw = body, at = now) {
    return verifyDiscordSignature(
      key,
      headers['x-signature-ed25519'],
      headers['x-signature-timestamp'],
      Buffer.from(raw),
      at,
    );
  }

  it('accepts a request signed with the application key', () => {
    expect(check(signedHeaders(keys, body))).toEqual({ ok: true });
  });

  it('refuses a body changed after signing', () => {
    expect(check(signedHeaders(keys, body), '{"type":2}')).toEqual({
      ok: false,
      reason: 'invalid signature',
    });
  });

  it('refuses a signature by another key', () => {
    expect(check(signedHeaders(makeKeys(), body)).ok).toBe(false);
  });

  it('refuses missing, malformed and stale signatures', () => {
    const good = signedHeaders(keys, body);
    expect(check({}).ok).toBe(false);
    expect(check({ ...good, 'x-signature-ed25519': 'zz' }).ok).toBe(false);
    expect(check({ ...good, 'x-signature-timestamp': 'yesterday' }).ok).toBe(false);
    const old = signedHeaders(keys, body, String(Math.floor(now / 1000) - 600));
    expect(check(old)).toEqual({ ok: false, reason: 'stale timestamp' });
  });

  it('rejects a public key that is not 32 bytes of hex', () => {
    expect(() => discordPublicKey('abc')).toThrow(/64 hex/);
  });
});
