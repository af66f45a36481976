// `GET /user/tokens/verify`: tells a malformed, invalid, expired or disabled token from one that
// merely lacks a permission. Needs no permission itself. Answer (SDK `TokenVerifyResponse`):
// `{ id, status: active|disabled|expired, expires_on?, not_before? }`; an unknown token gets 401
// `{code: 1000, message: "Invalid API Token"}`, a malformed one 400 6003/6111.
import type { CfTokenStatus } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { obj, str } from './read-json.js';

export async function verifyToken(api: ApiClient, signal: AbortSignal): Promise<CfTokenStatus> {
  const raw: unknown = await api.call({ name: 'API token' }, signal, (o) => api.sdk.user.tokens.verify(o));
  const r = obj(raw);
  const out: CfTokenStatus = { status: str(r?.['status']) ?? 'unknown' };
  const id = str(r?.['id']);
  if (id) out.id = id;
  const expires = str(r?.['expires_on']);
  if (expires) out.expiresOn = expires;
  return out;
}
