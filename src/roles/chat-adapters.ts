// The chat platforms `serve` listens to, built from configuration (one line per platform), all
// calling the one chat front.
import type { Logger } from 'pino';
import { discordRoutes } from '../chat/discord/discord-routes.js';
import type { ChatFront } from '../chat/front/chat-front.js';
import type { FixFront } from '../chat/front/fix-front.js';
import type { PlatformAdapter } from '../chat/platform-adapter.js';
import { responseUrlGuard } from '../chat/slack/response-url.js';
import { createSlackAdapter } from '../chat/slack/slack-adapter.js';
import type { ServerConfig } from '../config.js';
import { createAddressPolicy } from '../probes/address-policy.js';

export function buildChatAdapters(
  config: ServerConfig,
  front: ChatFront,
  logger: Logger,
  fixes?: FixFront,
): PlatformAdapter[] {
  const adapters: PlatformAdapter[] = [];
  if (config.slack) {
    // The response_url arrives in the request: only Slack's hooks host (guarded) or the configured API.
    const responseUrls = responseUrlGuard({
      ...(config.slack.apiUrl !== undefined ? { apiUrl: config.slack.apiUrl } : {}),
      policy: createAddressPolicy(config.allowPrivateNets),
    });
    adapters.push(
      createSlackAdapter({ config: config.slack, front, logger, responseUrls, ...(fixes ? { fixes } : {}) }),
    );
  }
  if (config.discord) {
    const routes = discordRoutes({
      publicKey: config.discord.publicKey,
      front,
      logger,
      ...(fixes ? { fixes } : {}),
    });
    adapters.push({ routes, start: async () => {}, stop: async () => {} });
  }
  return adapters;
}
