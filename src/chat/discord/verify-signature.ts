// Ed25519 verification of Discord's HTTP interactions with node:crypto alone. Discord sends forged
// requests on purpose and removes the endpoint URL if one is accepted, so anything doubtful is a no.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/** DER header of an SPKI Ed25519 public key; Discord hands out the raw 32 bytes as hex. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Discord documents no freshness window; five minutes bounds replays of a captured request. */
export const MAX_SIGNATURE_AGE_SECONDS = 300;

export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('a Discord public key is 64 hex characters');
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifyDiscordSignature(
  key: KeyObject,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
  nowMs: number,
): SignatureCheck {
  if (!signatureHex || !timestamp) return { ok: false, reason: 'missing signature headers' };
  if (!/^[0-9a-f]{128}$/i.test(signatureHex)) return { ok: false, reason: 'malformed signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const age = nowMs / 1000 - Number(timestamp);
  if (Math.abs(age) > MAX_SIGNATURE_AGE_SECONDS) return { ok: false, reason: 'stale timestamp' };
  // Ed25519 takes no digest: the algorithm argument must be null.
  const valid = verify(
    null,
    Buffer.concat([Buffer.from(timestamp), body]),
    key,
    Buffer.from(signatureHex, 'hex'),
  );
  return valid ? { ok: true } : { ok: false, reason: 'invalid signature' };
}

/** A header that may arrive as a list (repeated) is refused rather than guessed at. */
export function singleHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
