// Senders that sign their deliveries: PagerDuty v3 (`X-PagerDuty-Signature: v1=<hex>[,v1=<hex>]`, an
// HMAC-SHA256 of the raw body with the subscription's secret; several while a secret rotates) and
// Checkly (`x-checkly-signature: <hex>`, HMAC-SHA256 of the raw body with the channel's webhook secret).
// A valid signature authenticates the request on its own; without one the shared secret is still asked.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SenderSignature {
  /** Lower-case header name, for messages. */
  header: string;
  /** 'absent' when the request carries no signature header at all. */
  verify(headers: IncomingHttpHeaders, body: Buffer): 'valid' | 'invalid' | 'absent';
}

export function pagerDutySignature(secret: string): SenderSignature {
  return hmacSignature('x-pagerduty-signature', secret, (value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('v1='))
      .map((s) => s.slice(3)),
  );
}

export function checklySignature(secret: string): SenderSignature {
  return hmacSignature('x-checkly-signature', secret, (value) => [value.trim()]);
}

function hmacSignature(
  header: string,
  secret: string,
  candidates: (value: string) => string[],
): SenderSignature {
  return {
    header,
    verify(headers, body) {
      const value = headers[header];
      if (typeof value !== 'string' || value === '') return 'absent';
      const expected = createHmac('sha256', secret).update(body).digest();
      for (const hex of candidates(value)) {
        if (!/^[0-9a-f]{64}$/i.test(hex)) continue;
        if (timingSafeEqual(Buffer.from(hex, 'hex'), expected)) return 'valid';
      }
      return 'invalid';
    },
  };
}
