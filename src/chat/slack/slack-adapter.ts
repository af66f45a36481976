// Slack for the chat front. In HTTP mode (the default) POST /slack/events is mounted on our server
// (slack-routes.ts); with SLACK_APP_TOKEN, Slack delivers over Socket Mode and Bolt's receiver feeds
// the same translation (slackInbound), so both modes answer alike.
import { App, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackConfig } from '../../config.js';
import { SLACK_FIX_ACTION, SLACK_FIX_MODAL, SLACK_UNDO_ACTION } from '../fix-buttons.js';
import type { ChatFront } from '../front/chat-front.js';
import type { FixFront } from '../front/fix-front.js';
import type { PlatformAdapter } from '../platform-adapter.js';
import { DETAILS_ACTION_ID, RERUN_ACTION_ID, TIMELINE_ACTION_ID } from './render.js';
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
  /** Guarded fixes (buttons, modal, Undo); absent when fixes are not configured. */
  fixes?: FixFront;
}

export function createSlackAdapter(options: SlackAdapterOptions): PlatformAdapter {
  const { config, front } = options;
  const log = options.logger.child({ platform: 'slack' });
  const responseUrls =
    options.responseUrls ?? responseUrlGuard(config.apiUrl !== undefined ? { apiUrl: config.apiUrl } : {});
  const appToken = config.appToken;
  if (appToken === undefined) {
    return {
      routes: slackRoutes({
        signingSecret: config.signingSecret,
        front,
        logger: log,
        responseUrls,
        botToken: config.botToken,
        ...(config.apiUrl !== undefined ? { apiUrl: config.apiUrl } : {}),
        ...(options.fixes ? { fixes: options.fixes } : {}),
      }),
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
    await ack(reply.ack && 'text' in reply.ack ? reply.ack : undefined);
  });
  const fixes = options.fixes;
  if (fixes) {
    // The same translation as HTTP mode; the modal is opened through Bolt's client.
    app.action(new RegExp(`^(${SLACK_FIX_ACTION}|${SLACK_UNDO_ACTION})$`), async ({ body, ack, client }) => {
      await ack();
      const reply = await slackInbound(body as unknown as Record<string, unknown>, front, fixes);
      if (reply.openView) {
        await client.views
          .open({ trigger_id: reply.openView.triggerId, view: reply.openView.view as never })
          .catch((error: unknown) => log.warn({ err: error }, 'could not open the fix preview'));
      }
      await answer(reply);
    });
    app.view(SLACK_FIX_MODAL, async ({ body, ack }) => {
      const reply = await slackInbound(body as unknown as Record<string, unknown>, front, fixes);
      await ack(reply.ack && 'response_action' in reply.ack ? (reply.ack as never) : undefined);
    });
  }
  app.action(
    new RegExp(`^(${RERUN_ACTION_ID}|${DETAILS_ACTION_ID}|${TIMELINE_ACTION_ID})$`),
    async ({ body, ack }) => {
      await ack();
      await answer(await slackInbound(body as unknown as Record<string, unknown>, front));
    },
  );
  return { routes: [], start: () => app.start().then(() => {}), stop: () => app.stop().then(() => {}) };
}
