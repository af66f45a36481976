// Who may post alerts: whoever knows CHECK502_WEBHOOK_SECRET. Cloudflare sends it verbatim in
// `cf-webhook-auth`; the others as `Authorization: Bearer <secret>` (or `X-Check502-Secret`), and
// senders that cannot set headers (UptimeRobot, Pingdom, Better Stack) as `?token=<secret>` in the URL.
// Compared as SHA-256 digests so timingSafeEqual always sees equal lengths and the length leaks nothing.
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type AuthResult = { ok: true } | { ok: false; status: 401 | 503; reason: string };

export function checkWebhookSecret(
  headers: IncomingHttpHeaders,
  secret: string | undefined,
  cloudflare: boolean,
  query?: URLSearchParams,
): AuthResult {
  return webhookSecretChecker(secret)(headers, cloudflare, query);
}

/** The same check with the configured secret's digest computed once, for the routes' hot path. */
export function webhookSecretChecker(
  secret: string | undefined,
): (headers: IncomingHttpHeaders, cloudflare: boolean, query?: URLSearchParams) => AuthResult {
  const expected = secret === undefined || secret === '' ? undefined : digest(secret);
  return (headers, cloudflare, query) => {
    if (expected === undefined) {
      return { ok: false, status: 503, reason: 'webhooks are disabled: CHECK502_WEBHOOK_SECRET is not set' };
    }
    const presented = presentedSecret(headers, cloudflare) ?? tokenIn(query);
    if (presented === undefined) {
      const where = cloudflare
        ? 'the cf-webhook-auth header'
        : 'Authorization: Bearer <secret>, or ?token=<secret> in the URL';
      return { ok: false, status: 401, reason: `missing webhook secret: send it in ${where}` };
    }
    if (!timingSafeEqual(digest(presented), expected)) {
      return { ok: false, status: 401, reason: 'wrong webhook secret' };
    }
    return { ok: true };
  };
}

function presentedSecret(headers: IncomingHttpHeaders, cloudflare: boolean): string | undefined {
  const single = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  if (cloudflare) {
    const cf = single('cf-webhook-auth');
    if (cf !== undefined) return cf;
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(single('authorization') ?? '')?.[1]?.trim();
  return bearer ?? single('x-check502-secret');
}

function tokenIn(query: URLSearchParams | undefined): string | undefined {
  const token = query?.get('token');
  return token === null || token === undefined || token === '' ? undefined : token;
}

/** One-shot `hash` (no Hash object per request: every alert of a storm comes through here). */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
