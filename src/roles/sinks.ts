// The chat sinks a worker posts through: those given (tests, integrators) or built from
// configuration (one line per platform), always behind the secret scrubber, so every post from
// every role passes through it. Origin addresses are the presenter's (src/present/origin-addresses.ts):
// sinks built here are given CHECK502_SHOW_ORIGIN_ADDRESSES; given ones hide them in shared channels. Sinks built here share one ThreadState (Redis in the roles), so a
// job retried on another worker carries on in the same thread.
import type { Logger } from 'pino';
import { discordSinkFromConfig } from '../chat/discord/discord-from-config.js';
import { scrubbingSinks } from '../chat/scrubbing-sinks.js';
import type { ChatSink, Platform } from '../chat/sink.js';
import { responseUrlGuard } from '../chat/slack/response-url.js';
import { SlackSink } from '../chat/slack/slack-sink.js';
import type { ThreadState } from '../chat/thread-state.js';
import type { ServerConfig } from '../config.js';
import { rateLimitWaitRecorder } from '../metrics/counting-sink.js';
import type { Metrics } from '../metrics/metrics.js';
import { createAddressPolicy } from '../probes/address-policy.js';
import { secretValues } from '../secrets/secret-values.js';

export function buildSinks(
  config: ServerConfig,
  logger: Logger,
  metrics?: Metrics,
  given?: Partial<Record<Platform, ChatSink>>,
  state?: ThreadState,
): Partial<Record<Platform, ChatSink>> {
  const built = given ?? fromConfig(config, logger, metrics, state);
  return scrubbingSinks(built, secretValues(config));
}

function fromConfig(
  config: ServerConfig,
  logger: Logger,
  metrics?: Metrics,
  state?: ThreadState,
): Partial<Record<Platform, ChatSink>> {
  const sinks: Partial<Record<Platform, ChatSink>> = {};
  if (config.slack) {
    const options: ConstructorParameters<typeof SlackSink>[0] = {
      botToken: config.slack.botToken,
      logger: logger.child({ platform: 'slack' }),
    };
    if (config.slack.apiUrl !== undefined) options.apiUrl = config.slack.apiUrl;
    options.responseUrls = responseUrlGuard({
      ...(config.slack.apiUrl !== undefined ? { apiUrl: config.slack.apiUrl } : {}),
      policy: createAddressPolicy(config.allowPrivateNets),
    });
    if (metrics) options.onRateLimited = rateLimitWaitRecorder(metrics, 'slack');
    if (state) options.state = state;
    options.showOriginAddresses = config.showOriginAddresses;
    sinks.slack = new SlackSink(options);
  }
  if (config.discord) {
    sinks.discord = discordSinkFromConfig(
      config.discord,
      logger.child({ platform: 'discord' }),
      metrics ? rateLimitWaitRecorder(metrics, 'discord') : undefined,
      state,
      config.showOriginAddresses,
    );
  }
  return sinks;
}
