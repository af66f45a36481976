// Slack for the chat front. In HTTP mode (the default) POST /slack/events is mounted on our server
// (slack-routes.ts); with SLACK_APP_TOKEN, Slack delivers over Socket Mode and Bolt's receiver feeds
// the same translation (slackInbound), so both modes answer alike.
import { App, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackConfig } from '../../config.js';
import type { ChatFront } from '../front/chat-front.js';
import type { PlatformAdapter } from '../platform-adapter.js';
import { RERUN_ACTION_ID } from './render.js';
import { postToResponseUrl, type ResponseUrlGuard, responseUrlGuard } from './response-url.js';
import { type SlackReply, slackInbound } from './slack-inbound.js';
import { slackLogger } from './slack-logger.js';
import { slackRoutes } from './slack-routes.js';

export interface SlackAdapterOptions {
  config: SlackConfig;
  front: ChatFront;
  logger: Logger;
  /** Which response URLs may be posted to (serve builds it with the address guard). */
  responseUrls?: ResponseUrlGuard;
}

export function createSlackAdapter(options: SlackAdapterOptions): PlatformAdapter {
  const { config, front } = options;
  const log = options.logger.child({ platform: 'slack' });
  const responseUrls =
    options.responseUrls ?? responseUrlGuard(config.apiUrl !== undefined ? { apiUrl: config.apiUrl } : {});
  const appToken = config.appToken;
  if (appToken === undefined) {
    return {
      routes: slackRoutes({ signingSecret: config.signingSecret, front, logger: log, responseUrls }),
      start: async () => {},
      stop: async () => {},
    };
  }
  // Socket Mode: not testable offline, so this branch stays tiny.
  const app = new App({
    token: config.botToken,
    appToken,
    socketMode: true,
    logger: slackLogger(log),
    logLevel: LogLevel.WARN,
    tokenVerificationEnabled: false,
    convoStore: false,
  });
  const answer = async (reply: SlackReply) => {
    if (reply.followUp) {
      const message = { text: reply.followUp.text, replace_original: false };
      await postToResponseUrl(reply.followUp.url, message, responseUrls).catch((error: unknown) =>
        log.warn({ err: error }, 'could not answer the button'),
      );
    }
  };
  app.command(/.*/, async ({ body, ack }) => {
    const reply = await slackInbound(body as unknown as Record<string, unknown>, front);
    await ack(reply.ack);
  });
  app.action(RERUN_ACTION_ID, async ({ body, ack }) => {
    await ack();
    await answer(await slackInbound(body as unknown as Record<string, unknown>, front));
  });
  return { routes: [], start: () => app.start().then(() => {}), stop: () => app.stop().then(() => {}) };
}
