// What the shape of an answer says that its status does not: response headers past Cloudflare's
// limits (it shows 520 for them), and a body that breaks off after the headers (a truncated page,
// or 520/502). Pure.
import { type Finding, finding } from '../../finding.js';
import type { HttpObservation } from '../../ports.js';
import type { AnswerEvidence } from './evidence.js';

/**
 * Cloudflare's documented response-header limits (fundamentals/reference/connection-limits): 32 KB
 * in total and 16 KB for any one header; past them it shows 520. The 520 troubleshooting page names
 * "headers exceeding 16 KB" as a cause: a total past 16 KB is reported as a warning (close to it).
 */
const HEADER_LIMIT_BYTES = 16 * 1024;
const HEADER_TOTAL_LIMIT_BYTES = 32 * 1024;
const HEADER_SINGLE_LIMIT_BYTES = 16 * 1024;

/** Past Cloudflare's limits it is the 520 itself (error); past 16 KB in total, a warning. */
export function headerSize(http: HttpObservation, at: string, evidence: AnswerEvidence): Finding[] {
  const largest = http.largestHeaderBytes ?? 0;
  const overTotal = http.headerBytes > HEADER_TOTAL_LIMIT_BYTES;
  const overSingle = largest > HEADER_SINGLE_LIMIT_BYTES;
  if (!overTotal && !overSingle && http.headerBytes <= HEADER_LIMIT_BYTES) return [];
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  const over = overTotal || overSingle;
  const what = overSingle
    ? `one header line of ${kb(largest)} (Cloudflare accepts at most 16 KB per header)`
    : `${kb(http.headerBytes)} of response headers (Cloudflare accepts at most 32 KB in total and 16 KB per header)`;
  return [
    finding({
      code: 'origin.headers_too_large',
      severity: over ? 'error' : 'warn',
      title: over
        ? `The origin's response headers are over Cloudflare's limit (${overSingle ? `one header ${kb(largest)}` : kb(http.headerBytes)})`
        : `The origin's response headers are ${kb(http.headerBytes)}`,
      detail: over
        ? `${at} sent ${what}: Cloudflare refuses the response and shows 520.`
        : `${at} sent ${http.headerBytes} bytes of response headers: within Cloudflare's documented limits (32 KB in total, 16 KB per header) but past the 16 KB its 520 troubleshooting warns about; a few more cookies and visitors get 520.`,
      evidence: { ...evidence, largestHeaderBytes: largest || null },
    }),
  ];
}

/** Headers came, then the body broke off: a truncated page for visitors, or Cloudflare's 520/502. */
export function brokenBody(http: HttpObservation, at: string, evidence: AnswerEvidence): Finding {
  const broken = http.bodyError!;
  const expected =
    broken.expectedBytes !== undefined ? ` of the ${broken.expectedBytes} its Content-Length announced` : '';
  return finding({
    code: 'origin.connection_reset',
    severity: 'error',
    title: `The origin breaks off its response after the headers (HTTP ${http.status})`,
    detail: `${at} answered ${http.status}, then ${/RESET|ECONNRESET/i.test(broken.code) ? 'reset the connection' : 'closed it'} after ${broken.receivedBytes} bytes of body${expected} (${broken.code}). Cloudflare cannot deliver a complete response: visitors get a truncated page, or 520/502 when it has not started relaying. The web server or application is crashing or being killed mid-response.`,
    evidence: {
      ...evidence,
      errorCode: broken.code,
      errorMessage: broken.message,
      receivedBytes: broken.receivedBytes,
      expectedBytes: broken.expectedBytes ?? null,
    },
  });
}
