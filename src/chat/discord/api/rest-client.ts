// The one @discordjs/rest client per process: its per-route queues and 429 handling (it waits out
// `Retry-After`) are why it is used. A wait longer than `maxRateLimitWaitMs` is rejected instead, so
// a job is retried later rather than a worker sleeping for an hour.
import { REST } from '@discordjs/rest';

export const DEFAULT_DISCORD_API = 'https://discord.com/api';

export interface DiscordRestOptions {
  botToken: string;
  /** `DISCORD_API_URL`; the client appends `/v10/...`. */
  apiUrl?: string;
  /** Per-request timeout (the library's default is 15 s). */
  timeoutMs?: number;
  /** Retries of 5xx answers and timeouts. */
  retries?: number;
  maxRateLimitWaitMs?: number;
}

export function createDiscordRest(options: DiscordRestOptions): REST {
  const maxWait = options.maxRateLimitWaitMs ?? 60_000;
  return new REST({
    api: stripTrailingSlash(options.apiUrl ?? DEFAULT_DISCORD_API),
    version: '10',
    timeout: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    rejectOnRateLimit: (data) => data.retryAfter > maxWait || data.timeToReset > maxWait,
    userAgentAppendix: 'check502',
  }).setToken(options.botToken);
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
