// Discord's side of the job pipeline. The root message is the slash command's deferred response
// or, for alert incidents, a bot message (discord-root.ts); a public thread is started from it, and
// everything after the root goes through the bot token into that thread, so nothing depends on the
// 15-minute interaction token. Failures follow the one rule of ChatSink (thread-delivery.ts); what
// must survive a retry on another worker (the root's interaction, its last report, a hint for the
// root, unreachable channels) is kept in the shared ThreadState, and the guild travels in ThreadRef.

import { DiscordAPIError, type REST } from '@discordjs/rest';
import { type APIUser, RESTJSONErrorCodes, Routes } from 'discord-api-types/v10';
import type { Finding } from '../../diagnosis/finding.js';
import type { CheckSummary, Report } from '../../diagnosis/report.js';
import type { Logger } from '../../log/logger.js';
import {
  type Audience,
  audienceOf,
  forAudience,
  type ShowOriginAddresses,
} from '../../present/origin-addresses.js';
import { DeliveryError } from '../delivery-error.js';
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
import { channelMessages, type Threads, threads, webhookMessages } from './api/discord-api.js';
import { deliveryError, discordErrorCode, isMissingAccess, PERMISSION_HINT } from './api/discord-failure.js';
import { multipartMessage } from './api/multipart-message.js';
import { DiscordRoots } from './discord-root.js';
import type { DiscordMessage } from './render/message.js';
import { renderCheck } from './render/render-check.js';
import { renderFixResult, renderNote, renderStorm, withHint } from './render/render-notes.js';
import { renderRootDone, renderRootPending, threadName } from './render/render-root.js';
import { renderSummary } from './render/render-summary.js';

export { INTERACTION_TOKEN_LIFETIME_MS } from './discord-root.js';

export interface DiscordSinkDeps {
  rest: REST;
  logger?: Logger;
  /** Shared with every worker (Redis) in the roles; in-process when absent. */
  state?: ThreadState;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** CHECK502_SHOW_ORIGIN_ADDRESSES (default private: hidden in server channels). */
  showOriginAddresses?: ShowOriginAddresses;
}

export function createDiscordSink(deps: DiscordSinkDeps): DiscordSink {
  return new DiscordSink(deps);
}

export class DiscordSink implements ChatSink {
  readonly platform = 'discord' as const;
  private readonly rest: REST;
  private readonly channels;
  private readonly threads: Threads;
  private readonly roots: DiscordRoots;
  private readonly delivery: ThreadDelivery;
  private readonly state: ThreadState;
  private readonly show: ShowOriginAddresses | undefined;

  constructor(deps: DiscordSinkDeps) {
    const now = deps.now ?? Date.now;
    this.rest = deps.rest;
    this.state = deps.state ?? memoryThreadState(now);
    this.channels = channelMessages(deps.rest);
    this.threads = threads(deps.rest);
    this.roots = new DiscordRoots({
      webhooks: webhookMessages(deps.rest),
      channels: this.channels,
      state: this.state,
      now,
      sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      logger: deps.logger,
    });
    this.delivery = { platform: 'discord', state: this.state, logger: deps.logger };
    this.show = deps.showOriginAddresses;
  }

  /** Who reads a message posted there: origin addresses are hidden unless it is a DM (or always shown). */
  private audience(where?: { private?: true }): Audience {
    return audienceOf(where, this.show);
  }

  async checkCredentials(): Promise<CredentialCheck> {
    try {
      const user = (await this.rest.get(Routes.user('@me'))) as APIUser;
      return { ok: true, identity: { id: user.id, name: user.username } };
    } catch (error) {
      const failure = deliveryError('GET /users/@me', error);
      // 401 is Discord's answer for a token it does not accept; anything else says nothing about it.
      const refused = error instanceof DiscordAPIError && error.status === 401;
      return { ok: false, reason: failure.message, refused };
    }
  }

  async startThread(reply: ReplyTarget, context: RunContext): Promise<ThreadRef> {
    if (reply.platform !== 'discord')
      throw new DeliveryError(
        `DiscordSink cannot answer on ${reply.platform}`,
        'discord',
        'rejected',
        'wrong_platform',
      );
    const body = renderRootPending(context, this.audience(reply));
    // The thread remembers its audience, so every later post to it is presented alike.
    const privacy = reply.private ? { private: true as const } : {};
    let ref: ThreadRef;
    if (context.root?.platform === 'discord') {
      // An earlier attempt posted the root and then failed to start its thread: finish that one.
      ref = { platform: 'discord', channel: context.root.channel, root: context.root.root, ...privacy };
      if (reply.interaction)
        await this.state.remember('discord', ref.root, { interaction: reply.interaction });
    } else {
      // A repeat of this root (same key within Discord's few minutes) returns the message already posted.
      const rootBody =
        context.rootKey === undefined ? body : { ...body, nonce: context.rootKey, enforce_nonce: true };
      ref = await this.roots.post(reply, rootBody).catch((failure: DeliveryError) => {
        this.delivery.logger?.warn({ reason: failure.reason, channel: reply.channel }, failure.message);
        throw failure; // nowhere to answer: the caller stops here when it is not retryable
      });
      if (reply.private) ref.private = true;
      await context.onRoot?.({ ...ref });
    }
    try {
      const thread = await this.threads.startFromMessage(ref.channel, ref.root, threadName(context.site));
      ref.thread = thread.id;
      // A thread an earlier attempt started comes back without its guild: that attempt noted it.
      const guild = thread.guildId ?? (await this.state.root('discord', ref.root)).guild;
      if (guild !== undefined) ref.guild = guild;
      if (thread.guildId !== undefined)
        await this.state.remember('discord', ref.root, { guild: thread.guildId });
    } catch (error) {
      if (discordErrorCode(error) === RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType) {
        // Asked inside a thread (or a channel type without threads): answer right there.
        ref.thread = ref.channel;
        return ref;
      }
      const failure = deliveryError(`starting a thread in channel ${ref.channel}`, error);
      if (failure.retryable) throw failure;
      this.delivery.logger?.warn({ reason: failure.reason, channel: ref.channel }, failure.message);
      const hint = isMissingAccess(error)
        ? `⚠️ I could not start a thread here: ${PERMISSION_HINT}. The verdict will appear on this message.`
        : '⚠️ I could not start a thread here. The verdict will appear on this message.';
      await this.state.remember('discord', ref.root, { hint });
      await this.editRoot(ref, withHint(body, hint));
    }
    return ref;
  }

  async postCheck(thread: ThreadRef, check: CheckSummary, findings: readonly Finding[]): Promise<void> {
    if (thread.thread === undefined) return; // no thread could be started; the root carries the verdict
    const body = renderCheck(check, findings, this.audience(thread));
    if (body === undefined) return; // nothing wrong: the check is one line in the summary
    await this.post(thread, thread.thread, body, `posting the ${check.name} check`);
  }

  async postSummary(thread: ThreadRef, report: Report, context?: RunContext): Promise<void> {
    await this.post(
      thread,
      thread.thread ?? thread.channel,
      renderSummary(report, context, this.audience(thread)),
      'posting the summary',
    );
  }

  async updateRoot(thread: ThreadRef, report: Report | undefined, context: RunContext): Promise<void> {
    const remembered = await this.state.root('discord', thread.root);
    // An incident update carries no report: keep showing the last verdict posted on this root.
    if (report !== undefined) await this.state.remember('discord', thread.root, { report });
    const body = renderRootDone(report ?? remembered.report, context, this.audience(thread));
    await this.editRoot(thread, remembered.hint === undefined ? body : withHint(body, remembered.hint));
  }

  async postNote(thread: ThreadRef, text: string): Promise<void> {
    if (thread.thread === undefined) return;
    await this.post(
      thread,
      thread.thread,
      renderNote(forAudience(text, this.audience(thread))),
      'posting a note',
    );
  }

  async postStorm(channel: string, view: () => StormView, key: PostKey = {}): Promise<ThreadRef> {
    const body = renderStorm(forAudience(view(), this.audience()));
    try {
      // A repeat with the same key (within Discord's few minutes) returns the message already posted.
      const posted = await this.channels.create(
        channel,
        key.rootKey === undefined ? body : { ...body, nonce: key.rootKey, enforce_nonce: true },
      );
      return { platform: 'discord', channel, root: posted.id };
    } catch (error) {
      throw deliveryError(`posting the storm message in ${channel}`, error);
    }
  }

  /** A message with the file attached (multipart, see multipart-message.ts), in the thread when there is one. */
  async postFile(
    where: { channel: string; thread?: ThreadRef },
    file: { name: string; title: string; content: string },
  ): Promise<void> {
    const channel = where.thread?.thread ?? where.thread?.channel ?? where.channel;
    try {
      const upload = await multipartMessage(renderNote(file.title), {
        name: file.name,
        content: file.content,
        contentType: 'text/markdown',
      });
      await this.rest.post(Routes.channelMessages(channel), {
        body: upload.body,
        passThroughBody: true,
        headers: { 'Content-Type': upload.contentType },
      });
    } catch (error) {
      throw deliveryError(`posting ${file.name} in ${channel}`, error);
    }
  }

  async updateStorm(posted: ThreadRef, view: StormView): Promise<void> {
    await deliverInThread(this.delivery, posted.channel, async () => {
      try {
        await this.channels.edit(
          posted.channel,
          posted.root,
          renderStorm(forAudience(view, this.audience(posted))),
        );
      } catch (error) {
        throw deliveryError(`editing the storm message in ${posted.channel}`, error);
      }
    });
  }

  async postFixResult(thread: ThreadRef, text: string, undoFixId?: string): Promise<void> {
    if (thread.thread === undefined) return;
    await this.post(
      thread,
      thread.thread,
      renderFixResult(forAudience(text, this.audience(thread)), undoFixId),
      'posting a fix result',
    );
  }

  threadLink(thread: ThreadRef): string | undefined {
    return threadLink(thread);
  }

  private async editRoot(thread: ThreadRef, body: DiscordMessage): Promise<void> {
    await deliverInThread(this.delivery, thread.channel, () => this.roots.edit(thread, body));
  }

  private async post(thread: ThreadRef, channel: string, body: DiscordMessage, what: string): Promise<void> {
    const send = async () => {
      try {
        await this.channels.create(channel, body);
      } catch (error) {
        throw deliveryError(`${what} in ${channel}`, error);
      }
    };
    await deliverInThread(this.delivery, channel, send, async (failure) => {
      if (failure.kind !== 'unreachable') return; // one message refused: the thread still works
      // Tell the people watching the root why the thread stays silent (shown when it is edited).
      const hint = isMissingAccess(failure)
        ? `⚠️ I could not post in the thread: ${PERMISSION_HINT}.`
        : '⚠️ The thread was deleted or locked, so the findings could not be posted there.';
      await this.state.remember('discord', thread.root, { hint });
    });
  }
}
