// A fetch decorator for the Cloudflare reader (`createCloudflareReader({ fetch })`) that counts the
// API's 429 answers. Calls themselves are counted from each report (`cloudflareApiCalls`), so this
// counts only what the report does not carry.
import type { Metrics } from './metrics.js';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function rateLimitCountingFetch(
  metrics: Metrics,
  base: Fetch = (input, init) => fetch(input, init),
): Fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (response.status === 429) metrics.cloudflareRateLimited.inc();
    return response;
  };
}
