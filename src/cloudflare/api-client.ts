// The SDK client as this bot uses it: bearer token only (stray CLOUDFLARE_API_KEY/EMAIL env must not
// add headers), base URL passed explicitly, SDK retries OFF (its 429 handling sleeps for whatever
// Retry-After says, without a cap) and our own short retry that waits only while the wait fits the
// budget, every request counted (the report's `cloudflareApiCalls`) and capped: a diagnosis makes
// at most `maxCalls` requests (12, product contract), so a read asked for after that fails at once
// with kind `budget` instead of being sent. Reads are ordered so the ones that matter most go first.
import Cloudflare from 'cloudflare';
import { CloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import { type Operation, toApiError } from './to-api-error.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  token: string;
  baseUrl?: string;
  /** Per-request timeout in ms. */
  timeoutMs: number;
  /** Longest Retry-After (or back-off) we are willing to sleep before one retry. */
  maxRetryWaitMs: number;
  /** Most requests this client sends (default 12). */
  maxCalls?: number;
  fetch?: FetchLike;
}

export interface ApiClient {
  sdk: Cloudflare;
  readonly calls: number;
  /** Requests still allowed (started calls count, so concurrent reads cannot overshoot). */
  readonly remaining: number;
  /** Runs one SDK request with our retry policy; failures become CloudflareApiError. */
  call<T>(
    op: Operation,
    signal: AbortSignal | undefined,
    run: (options: CallOptions) => Promise<T>,
  ): Promise<T>;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeout: number;
  maxRetries: 0;
}

const BACKOFF_MS = 250;

export function createApiClient(options: ApiClientOptions): ApiClient {
  let calls = 0;
  let reserved = 0;
  const maxCalls = options.maxCalls ?? 12;
  const base = options.fetch ?? ((input, init) => fetch(input, init));
  const counting: FetchLike = (input, init) => {
    calls += 1;
    return base(input, init);
  };
  const sdk = new Cloudflare({
    apiToken: options.token,
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    ...(options.baseUrl !== undefined ? { baseURL: options.baseUrl } : {}),
    timeout: options.timeoutMs,
    maxRetries: 0,
    fetch: counting as never,
    // The SDK would log failed requests to the console itself; the adapters log what matters.
    logLevel: 'off',
  });

  async function call<T>(
    op: Operation,
    signal: AbortSignal | undefined,
    run: (options: CallOptions) => Promise<T>,
  ): Promise<T> {
    const callOptions: CallOptions = { timeout: options.timeoutMs, maxRetries: 0 };
    if (signal) callOptions.signal = signal;
    reserve(op);
    try {
      return await run(callOptions);
    } catch (thrown) {
      const error = toApiError(thrown, op);
      const wait = retryWait(error, options.maxRetryWaitMs);
      if (wait === undefined || signal?.aborted || reserved >= maxCalls) throw error;
      await sleep(wait, signal, error);
      reserve(op);
      try {
        return await run(callOptions);
      } catch (again) {
        throw toApiError(again, op);
      }
    }
  }

  function reserve(op: Operation): void {
    if (reserved >= maxCalls) {
      throw new CloudflareApiError({
        kind: 'budget',
        operation: op.name,
        message: `${op.name} was not read: this diagnosis already made its ${maxCalls} Cloudflare API calls`,
      });
    }
    reserved += 1;
  }

  return {
    sdk,
    get calls() {
      return calls;
    },
    get remaining() {
      return Math.max(0, maxCalls - reserved);
    },
    call,
  };
}

/** One retry: after a 429 whose Retry-After fits the allowance, or a 5xx / refused connection. */
function retryWait(error: CloudflareApiError, maxWaitMs: number): number | undefined {
  if (error.kind === 'rate_limited') {
    const ms = (error.retryAfterSeconds ?? 1) * 1000;
    return ms <= maxWaitMs ? ms : undefined;
  }
  // Timeouts are not retried: a second wait of the same length rarely helps and eats the budget.
  if (error.kind === 'unavailable' && error.status !== undefined && error.status >= 500) {
    return BACKOFF_MS <= maxWaitMs ? BACKOFF_MS : undefined;
  }
  return undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined, reason: Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
