// The Slack front: Bolt listeners for `/check502 <site>` and the Re-run button. Validates, queues
// (or joins a run already answering), and acknowledges well within Slack's 3 s. HTTP mode plugs
// into our server through RouteReceiver; Socket Mode (SLACK_APP_TOKEN) uses Bolt's own receiver.
import { createHash } from 'node:crypto';
import { App, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackConfig } from '../../config.js';
import { parseSite } from '../../diagnosis/target.js';
import type { Route } from '../../http/route.js';
import type { DiagnosisJobData } from '../../jobs/diagnosis-job.js';
import type { DiagnosisProducer, RequestOutcome } from '../../jobs/diagnosis-producer.js';
import { QueueUnavailableError } from '../../jobs/queue-unavailable-error.js';
import type { ThreadRef } from '../sink.js';
import { invalidReply, joinedReply, queuedReply, UNAVAILABLE_REPLY, USAGE } from './command-replies.js';
import { RERUN_ACTION_ID, type RerunValue } from './render.js';
import {
  type Ephemeral,
  postToResponseUrl,
  type ResponseUrlGuard,
  responseUrlGuard,
} from './response-url.js';
import { RouteReceiver } from './route-receiver.js';
import { slackLogger } from './slack-logger.js';

export interface SlackFrontOptions {
  config: SlackConfig;
  producer: DiagnosisProducer;
  logger: Logger;
  /** Builds a link to a thread for "already running — see …" (SlackSink.threadLink). */
  threadLink?: (thread: ThreadRef) => string | undefined;
  /** Slash command name (default /check502). */
  command?: string;
  /** Which response URLs may be posted to (serve builds it with the address guard). */
  responseUrls?: ResponseUrlGuard;
}

export interface SlackFront {
  /** POST /slack/events, for our HTTP server (HTTP mode only). */
  routes: Route[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackFront(options: SlackFrontOptions): SlackFront {
  const { config, logger } = options;
  const log = logger.child({ platform: 'slack' });
  const clientOptions = config.apiUrl !== undefined ? { slackApiUrl: withSlash(config.apiUrl) } : {};
  const common = {
    token: config.botToken,
    logger: slackLogger(log),
    logLevel: LogLevel.WARN,
    clientOptions: { ...clientOptions, retryConfig: { retries: 0 } },
    // No auth.test at start-up: the front never needs the bot's own ids.
    tokenVerificationEnabled: false,
    botId: 'B0CHECK502',
    botUserId: 'U0CHECK502',
    ignoreSelf: false,
    // No conversation state is used; skip Bolt's per-request store middleware.
    convoStore: false as const,
  };
  const responseUrls =
    options.responseUrls ?? responseUrlGuard(config.apiUrl !== undefined ? { apiUrl: config.apiUrl } : {});
  let receiver: RouteReceiver | undefined;
  let app: App;
  if (config.appToken !== undefined) {
    // Socket Mode: Slack delivers over a WebSocket; not testable offline, so this branch stays tiny.
    app = new App({ ...common, appToken: config.appToken, socketMode: true });
  } else {
    receiver = new RouteReceiver({ signingSecret: config.signingSecret, logger: log, responseUrls });
    app = new App({ ...common, receiver });
  }
  register(app, options, log, responseUrls);
  return {
    routes: receiver ? [receiver.route()] : [],
    start: async () => {
      if (config.appToken !== undefined) await app.start();
    },
    stop: async () => {
      if (config.appToken !== undefined) await app.stop();
    },
  };
}

function register(app: App, options: SlackFrontOptions, log: Logger, responseUrls: ResponseUrlGuard): void {
  // Bolt's respond() posts to any response_url; ours goes through the guard (Socket Mode too).
  const respondTo = (url: string | undefined, message: Ephemeral) =>
    url === undefined
      ? Promise.reject(new Error('no response_url'))
      : postToResponseUrl(url, message, responseUrls);
  const request = async (data: DiagnosisJobData, jobId?: string): Promise<RequestOutcome | 'unavailable'> => {
    try {
      return await options.producer.request(data, jobId !== undefined ? { jobId } : {});
    } catch (error) {
      if (error instanceof QueueUnavailableError) {
        log.warn({ err: error, site: data.site }, 'queue unavailable; told the user to retry');
      } else {
        // Still answer the user inside Slack's 3 s rather than letting the request fail.
        log.error({ err: error, site: data.site }, 'could not queue the diagnosis');
      }
      return 'unavailable';
    }
  };

  app.command(options.command ?? '/check502', async ({ command, ack }) => {
    const input = command.text.trim();
    if (input === '' || input.toLowerCase() === 'help') {
      await ack({ response_type: 'ephemeral', text: USAGE });
      return;
    }
    const parsed = parseSite(input);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: invalidReply(parsed.reason) });
      return;
    }
    const site = parsed.target.host;
    const data: DiagnosisJobData = {
      site,
      input,
      requestedBy: command.user_id,
      reply: { platform: 'slack', channel: command.channel_id, responseUrl: command.response_url },
    };
    // trigger_id is unique per invocation: a duplicate delivery maps to the same job and is a no-op.
    const jobId = command.trigger_id
      ? `slack-${safeId(command.team_id)}-${hash(command.trigger_id)}`
      : undefined;
    const outcome = await request(data, jobId);
    log.info({ site, outcome: typeof outcome === 'string' ? outcome : outcome.outcome }, 'slack command');
    await ack({ response_type: 'ephemeral', text: replyFor(outcome, site, options) });
  });

  app.action(RERUN_ACTION_ID, async ({ ack, body, action }) => {
    const value = rerunValue('value' in action ? action.value : undefined);
    const payload = body as unknown as {
      channel?: { id?: string };
      container?: { channel_id?: string; thread_ts?: string; message_ts?: string };
      message?: { ts?: string; thread_ts?: string };
      user?: { id?: string };
      response_url?: string;
    };
    const channel = payload.channel?.id ?? payload.container?.channel_id;
    const root = payload.message?.thread_ts ?? payload.container?.thread_ts ?? payload.message?.ts;
    if (!value || !channel || !root) {
      await ack();
      await respondTo(payload.response_url, {
        response_type: 'ephemeral',
        replace_original: false,
        text: ':x: This button is broken; run `/check502 <site>` instead.',
      }).catch(() => {});
      return;
    }
    const data: DiagnosisJobData = {
      site: value.site,
      input: value.site,
      reply: { platform: 'slack', channel },
      thread: { platform: 'slack', channel, root },
      run: value.run,
    };
    if (payload.user?.id !== undefined) data.requestedBy = payload.user.id;
    if (payload.response_url !== undefined)
      data.reply = { ...data.reply, responseUrl: payload.response_url } as typeof data.reply;
    const outcome = await request(data);
    await ack();
    if (outcome === 'unavailable' || outcome.outcome === 'joined') {
      const text =
        outcome === 'unavailable' ? UNAVAILABLE_REPLY : 'A diagnosis is already running in this thread.';
      await respondTo(payload.response_url, {
        response_type: 'ephemeral',
        replace_original: false,
        text,
      }).catch((e: unknown) => log.warn({ err: e }, 'could not answer the re-run button'));
    }
  });
}

function replyFor(outcome: RequestOutcome | 'unavailable', site: string, options: SlackFrontOptions): string {
  if (outcome === 'unavailable') return UNAVAILABLE_REPLY;
  if (outcome.outcome === 'joined') {
    return joinedReply(site, outcome.thread ? options.threadLink?.(outcome.thread) : undefined);
  }
  return queuedReply(site);
}

function rerunValue(raw: unknown): RerunValue | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const value = JSON.parse(raw) as Partial<RerunValue>;
    if (typeof value.site !== 'string') return undefined;
    const parsed = parseSite(value.site);
    if (!parsed.ok) return undefined;
    const run = Number.isInteger(value.run) && (value.run ?? 0) > 1 ? (value.run as number) : 2;
    return { site: parsed.target.host, run: Math.min(run, 10_000) };
  } catch {
    return undefined;
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 24);
}

function safeId(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'team';
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
