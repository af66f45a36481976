// ChatSink for Slack: a root message posted with chat.postMessage, each check's findings threaded
// under it (thread_ts = root ts), the summary, then chat.update of the root. All calls go through
// the per-channel outbox (rate limits, retries, coalesced edits). Failures follow the one rule of
// ChatSink (thread-delivery.ts), with the unreachable channels kept in the shared ThreadState.

import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Finding } from '../../diagnosis/finding.js';
import type { CheckSummary, Report } from '../../diagnosis/report.js';
import {
  type Audience,
  audienceOf,
  forAudience,
  type ShowOriginAddresses,
} from '../../present/origin-addresses.js';
import { DeliveryError } from '../delivery-error.js';
import { stormText } from '../render/storm-text.js';
import type {
  ChatSink,
  CredentialCheck,
  PostKey,
  ReplyTarget,
  RunContext,
  StormView,
  ThreadRef,
} from '../sink.js';
import { deliverInThread, type ThreadDelivery } from '../thread-delivery.js';
import { threadLink } from '../thread-link.js';
import { memoryThreadState, type ThreadState } from '../thread-state.js';
import type { SlackMessage } from './block-kit.js';
import { uploadFile } from './file-upload.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { classify, SlackOutbox, slackFailure } from './outbox.js';
import { renderCheck, renderFixResult, renderNote, renderRoot } from './render.js';
import { renderSummary } from './render-summary.js';
import { postToResponseUrl, type ResponseUrlGuard, responseUrlGuard } from './response-url.js';
import { findRootMessage, rootMetadata } from './root-metadata.js';
import { slackLogger } from './slack-logger.js';

export const INVITE_HINT =
  "I can't post in this channel. Invite me with `/invite @check502` (or pick a channel I'm in) and run the command again.";

export interface SlackSinkOptions {
  botToken: string;
  apiUrl?: string;
  logger: Logger;
  /** Outbox tuning (tests use short backoffs). */
  ratePerSecond?: number;
  burst?: number;
  baseBackoffMs?: number;
  /** Called each time a message waits for a rate limit (metrics). */
  onRateLimited?: (waitMs: number) => void;
  /** Base of message links (default https://slack.com). */
  linkBase?: string;
  /** Which response URLs may be posted to (default: Slack's hooks host and the apiUrl origin). */
  responseUrls?: ResponseUrlGuard;
  /** CHECK502_SHOW_ORIGIN_ADDRESSES (default private: hidden in shared channels). */
  showOriginAddresses?: ShowOriginAddresses;
  /** Shared with every worker (Redis) in the roles; in-process when absent. */
  state?: ThreadState;
}

export class SlackSink implements ChatSink {
  readonly platform = 'slack' as const;
  private readonly outbox: SlackOutbox;
  private readonly client: InstanceType<typeof webApi.WebClient>;
  private readonly responseUrls: ResponseUrlGuard;
  private readonly delivery: ThreadDelivery;

  constructor(private readonly options: SlackSinkOptions) {
    const client = new webApi.WebClient(options.botToken, {
      ...(options.apiUrl !== undefined
        ? { slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/` }
        : {}),
      // The outbox does the waiting and retrying, per channel, so one busy channel does not stall the rest.
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: 10_000,
      logger: slackLogger(options.logger),
    });
    const outboxOptions: ConstructorParameters<typeof SlackOutbox>[0] = {
      call: (method, args) => client.apiCall(method, args) as unknown as Promise<Record<string, unknown>>,
      logger: options.logger,
    };
    if (options.ratePerSecond !== undefined) outboxOptions.ratePerSecond = options.ratePerSecond;
    if (options.burst !== undefined) outboxOptions.burst = options.burst;
    if (options.baseBackoffMs !== undefined) outboxOptions.baseBackoffMs = options.baseBackoffMs;
    if (options.onRateLimited !== undefined) outboxOptions.onRateLimited = options.onRateLimited;
    this.outbox = new SlackOutbox(outboxOptions);
    this.client = client;
    this.responseUrls =
      options.responseUrls ??
      responseUrlGuard(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {});
    this.delivery = {
      platform: 'slack',
      state: options.state ?? memoryThreadState(),
      logger: options.logger,
    };
  }

  async checkCredentials(): Promise<CredentialCheck> {
    try {
      const answer = (await this.client.apiCall('auth.test')) as unknown as Record<string, unknown>;
      const id = String(answer['user_id'] ?? answer['bot_id'] ?? '');
      const name = String(answer['user'] ?? id);
      const workspace = answer['team'] ?? answer['team_id'];
      return {
        ok: true,
        identity: typeof workspace === 'string' ? { id, name, workspace } : { id, name },
      };
    } catch (error) {
      const { reason, transient } = classify(error);
      // Only Slack's own answer about the token (invalid_auth, token_revoked…) counts as refused;
      // a network error, a 5xx or a 429 says nothing about it.
      const platformAnswer = (error as { code?: string }).code === 'slack_webapi_platform_error';
      return { ok: false, reason, refused: platformAnswer && !transient };
    }
  }

  async startThread(reply: ReplyTarget, context: RunContext): Promise<ThreadRef> {
    if (reply.platform !== 'slack')
      throw new DeliveryError('not a Slack reply target', 'slack', 'rejected', 'wrong_platform');
    // A Slack thread is its root message: one an earlier attempt posted is the whole answer.
    if (context.root?.platform === 'slack') return { ...context.root };
    const found = await this.lookBack(reply.channel, context);
    if (found) {
      await context.onRoot?.({ ...found });
      return found;
    }
    const message = renderRoot(context, undefined, this.audience(reply));
    const metadata = context.rootKey === undefined ? {} : { metadata: rootMetadata(context.rootKey) };
    try {
      const result = await this.outbox.post({ channel: reply.channel, ...message, ...metadata });
      const ts = result['ts'];
      if (typeof ts !== 'string') throw noTs();
      const channel = typeof result['channel'] === 'string' ? result['channel'] : reply.channel;
      // The thread remembers its audience, so every later post to it is presented alike.
      const root: ThreadRef = {
        platform: 'slack',
        channel,
        root: ts,
        ...(reply.private ? { private: true } : {}),
      };
      await context.onRoot?.({ ...root });
      return root;
    } catch (error) {
      if (error instanceof DeliveryError && error.kind === 'unreachable' && reply.responseUrl !== undefined) {
        await postToResponseUrl(reply.responseUrl, { text: INVITE_HINT }, this.responseUrls).catch(
          (e: unknown) => this.options.logger.warn({ err: e }, 'could not post the invite hint'),
        );
      }
      throw error;
    }
  }

  /** A root an earlier attempt posted but never recorded (see root-metadata.ts), when asked to look. */
  private async lookBack(channel: string, context: PostKey): Promise<ThreadRef | undefined> {
    if (context.rootKey === undefined || context.lookBackSince === undefined) return undefined;
    try {
      const call = (method: string, args: Record<string, unknown>) =>
        this.client.apiCall(method, args) as unknown as Promise<Record<string, unknown>>;
      const ts = await findRootMessage(call, channel, context.rootKey, context.lookBackSince);
      if (ts !== undefined)
        this.options.logger.info({ channel, ts }, 'found the root an earlier attempt posted');
      return ts === undefined ? undefined : { platform: 'slack', channel, root: ts };
    } catch (error) {
      const { reason, transient } = classify(error);
      // Slack not answering now: retry later rather than risk a second root.
      if (transient) throw slackFailure('looking for an earlier root', { reason, transient });
      // No history scope (or no access): posting again is better than no thread at all.
      this.options.logger.warn(
        { channel, reason },
        'cannot read channel history to find an earlier root; posting it',
      );
      return undefined;
    }
  }

  async postCheck(thread: ThreadRef, check: CheckSummary, findings: readonly Finding[]): Promise<void> {
    await this.postAll(thread, renderCheck(check, findings, this.audience(thread)));
  }

  async postSummary(thread: ThreadRef, report: Report, context?: RunContext): Promise<void> {
    await this.postAll(thread, renderSummary(report, context, this.audience(thread)));
  }

  async updateRoot(thread: ThreadRef, report: Report | undefined, context: RunContext): Promise<void> {
    await this.deliver(thread.channel, () =>
      this.outbox.update({
        channel: thread.channel,
        ts: thread.root,
        ...renderRoot(context, report, this.audience(thread)),
      }),
    );
  }

  async postNote(thread: ThreadRef, text: string): Promise<void> {
    await this.postAll(thread, [renderNote(forAudience(text, this.audience(thread)))]);
  }

  async postStorm(channel: string, view: () => StormView, key: PostKey = {}): Promise<ThreadRef> {
    const found = await this.lookBack(channel, key);
    if (found) return found;
    const metadata = key.rootKey === undefined ? {} : { metadata: rootMetadata(key.rootKey) };
    let result: Record<string, unknown> = {};
    let sent = '';
    const refresh = () => {
      sent = stormMrkdwn(forAudience(view(), this.audience()));
      return { text: sent };
    };
    // A storm message is a root: one that cannot be posted is thrown, whatever the reason.
    result = await this.outbox.post({ channel, ...refresh(), ...metadata }, { urgent: true, refresh });
    const ts = result['ts'];
    if (typeof ts !== 'string') throw noTs();
    return {
      platform: 'slack',
      channel: typeof result['channel'] === 'string' ? result['channel'] : channel,
      root: ts,
    };
  }

  async postFile(
    where: { channel: string; thread?: ThreadRef },
    file: { name: string; title: string; content: string },
  ): Promise<void> {
    await uploadFile(this.client, where, file);
  }

  async updateStorm(message: ThreadRef, view: StormView): Promise<void> {
    await this.deliver(message.channel, () =>
      this.outbox.update(
        {
          channel: message.channel,
          ts: message.root,
          text: stormMrkdwn(forAudience(view, this.audience(message))),
        },
        { urgent: true },
      ),
    );
  }

  async postFixResult(thread: ThreadRef, text: string, undoFixId?: string): Promise<void> {
    await this.postAll(thread, [renderFixResult(forAudience(text, this.audience(thread)), undoFixId)]);
  }

  threadLink(thread: ThreadRef): string {
    return threadLink(
      thread,
      this.options.linkBase !== undefined ? { slackBase: this.options.linkBase } : {},
    );
  }

  /** Who reads a message posted there: origin addresses are hidden unless it is private (or always shown). */
  private audience(where?: { private?: true }): Audience {
    return audienceOf(where, this.options.showOriginAddresses);
  }

  private async postAll(thread: ThreadRef, messages: SlackMessage[]): Promise<void> {
    for (const message of messages) {
      await this.deliver(thread.channel, () =>
        this.outbox.post({ channel: thread.channel, thread_ts: thread.root, ...message }),
      );
    }
  }

  private async deliver(channel: string, send: () => Promise<unknown>): Promise<void> {
    await deliverInThread(this.delivery, channel, send);
  }
}

function noTs(): DeliveryError {
  return slackFailure('chat.postMessage returned no ts', { reason: 'no_ts', transient: true });
}

function stormMrkdwn(view: StormView): string {
  return stormText(view, {
    escape: escapeMrkdwn,
    bold: (text) => `*${text}*`,
    link: (url, label) => `<${url}|${label}>`,
    max: 3900,
  });
}
