// Test helpers: an Ed25519 key pair like a Discord application's, and signed interaction requests.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export interface TestKeys {
  publicKeyHex: string;
  privateKey: KeyObject;
}

export function makeKeys(): TestKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x ?? '';
  return { publicKeyHex: Buffer.from(x, 'base64url').toString('hex'), privateKey };
}

export function signedHeaders(
  keys: TestKeys,
  body: string,
  timestamp = String(Math.floor(Date.now() / 1000)),
): Record<string, string> {
  const signature = sign(null, Buffer.from(timestamp + body), keys.privateKey).toString('hex');
  return {
    'content-type': 'application/json',
    'x-signature-ed25519': signature,
    'x-signature-timestamp': timestamp,
  };
}

let seq = 0;
export function nextId(): string {
  seq++;
  return String(1_200_000_000_000_000_000n + BigInt(seq));
}

export const APP_ID = '1100000000000000001';
export const CHANNEL_ID = '1100000000000000002';
export const GUILD_ID = '900000000000000001';
export const USER_ID = '1100000000000000003';

export function commandInteraction(site: string | undefined, overrides: Record<string, unknown> = {}) {
  return {
    type: 2,
    id: nextId(),
    application_id: APP_ID,
    token: `itok-${nextId()}`,
    channel_id: CHANNEL_ID,
    guild_id: GUILD_ID,
    member: { user: { id: USER_ID, username: 'oncall' } },
    data: {
      id: '1100000000000000009',
      name: 'check502',
      type: 1,
      options: site === undefined ? [] : [{ name: 'site', type: 3, value: site }],
    },
    ...overrides,
  };
}

export function rerunInteraction(customId: string, threadId: string, messageId: string, embedUrl?: string) {
  return {
    type: 3,
    id: nextId(),
    application_id: APP_ID,
    token: `itok-${nextId()}`,
    channel_id: threadId,
    channel: { id: threadId, type: 11, parent_id: CHANNEL_ID },
    guild_id: GUILD_ID,
    member: { user: { id: USER_ID, username: 'oncall' } },
    message: { id: messageId, channel_id: threadId, embeds: embedUrl ? [{ url: embedUrl }] : [] },
    data: { custom_id: customId, component_type: 2 },
  };
}

/** POSTs an interaction to `url` signed as Discord signs it (`keys` must be the app's). */
export function postInteraction(url: string, keys: TestKeys, interaction: unknown): Promise<Response> {
  const body = JSON.stringify(interaction);
  return fetch(url, {
    method: 'POST',
    body,
    headers: signedHeaders(keys, body),
    signal: AbortSignal.timeout(5000),
  });
}
