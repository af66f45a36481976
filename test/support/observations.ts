// What the probes report, built by hand for tests that give the engine its facts directly: an origin
// observation as the origin prober returns it, and the edge check's facts.
import type { EdgeFacts } from '../../src/diagnosis/facts.js';
import type { OriginObservation } from '../../src/diagnosis/ports.js';

/** An origin observation as the origin prober reports it (an HTTP answer when `http` is given). */
export function originObservation(
  outcome: OriginObservation['outcome'],
  request: { port: number; tls: boolean; address?: string; host?: string },
  http?: { status: number; headers?: Record<string, string> },
): OriginObservation {
  const o: OriginObservation = {
    request: {
      host: request.host ?? 'x',
      address: request.address ?? '127.0.0.10',
      port: request.port,
      tls: request.tls,
      path: '/',
    },
    outcome,
    timings: { totalMs: 5 },
  };
  if (http) {
    o.http = {
      status: http.status,
      statusText: '',
      httpVersion: '1.1',
      headers: http.headers ?? {},
      headerBytes: 100,
      ttfbMs: 3,
      bodySnippet: '',
    };
  }
  return o;
}

/** The edge check's facts: a Cloudflare error code means Cloudflare generated the page. */
export function edgeFacts(status: number, code?: number, extra: Partial<EdgeFacts> = {}): EdgeFacts {
  const facts: EdgeFacts = {
    observation: { url: 'https://x/', totalMs: 1 },
    status,
    generatedBy: code !== undefined ? 'cloudflare' : 'origin',
    viaCloudflare: true,
    ...extra,
  };
  if (code !== undefined) facts.cloudflareErrorCode = code;
  return facts;
}
