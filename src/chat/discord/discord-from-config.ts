// Builds the Discord sink from configuration (`DISCORD_*`): one REST client per process, shared by
// every diagnosis so its per-route rate-limit queues see all of the traffic.

import { RESTEvents } from '@discordjs/rest';
import type { DiscordConfig } from '../../config.js';
import type { Logger } from '../../log/logger.js';
import type { ShowOriginAddresses } from '../../present/origin-addresses.js';
import type { ThreadState } from '../thread-state.js';
import { createDiscordRest } from './api/rest-client.js';
import { createDiscordSink, type DiscordSink } from './discord-sink.js';

export function discordSinkFromConfig(
  config: DiscordConfig,
  logger?: Logger,
  /** Called with each rate-limit wait in ms (serve's /metrics). */
  onRateLimited?: (waitMs: number) => void,
  /** Shared with every worker (Redis) in the roles; in-process when absent. */
  state?: ThreadState,
  /** CHECK502_SHOW_ORIGIN_ADDRESSES. */
  showOriginAddresses?: ShowOriginAddresses,
): DiscordSink {
  const rest = createDiscordRest(
    config.apiUrl === undefined
      ? { botToken: config.botToken }
      : { botToken: config.botToken, apiUrl: config.apiUrl },
  );
  // The client waits these out by itself; a line per wait shows why a thread is slow.
  rest.on(RESTEvents.RateLimited, (info) => {
    logger?.info(
      { route: info.route, retryAfterMs: info.retryAfter, global: info.global },
      'discord rate limited',
    );
    onRateLimited?.(info.retryAfter);
  });
  return createDiscordSink({
    rest,
    ...(logger === undefined ? {} : { logger }),
    ...(state === undefined ? {} : { state }),
    ...(showOriginAddresses !== undefined ? { showOriginAddresses } : {}),
  });
}
