// Discord's side of the job pipeline. The root message is the slash command's deferred response
// (edited through the interaction token) or, for alert incidents, a bot message; a public thread
// is started from it, and everything after the root goes through the bot token into that thread,
// so nothing depends on the 15-minute interaction token. Permanent failures (a deleted thread, a
// missing permission) are logged with what to fix and swallowed: retrying cannot help them.
import { ActionRowBuilder, ButtonBuilder } from '@discordjs/builders';
import { DiscordAPIError, type REST } from '@discordjs/rest';
import {
  type APIMessage,
  type APIUser,
  ButtonStyle,
  RESTJSONErrorCodes,
  Routes,
} from 'discord-api-types/v10';
import type { Finding } from '../../diagnosis/finding.js';
import type { CheckSummary, Report } from '../../diagnosis/report.js';
import type { Logger } from '../../log/logger.js';
import { discordFixId } from '../fix-buttons.js';
import { stormText } from '../render/storm-text.js';
import {
  type ChatSink,
  type CredentialCheck,
  type ReplyTarget,
  type RunContext,
  type StormView,
  type ThreadRef,
  UndeliverableError,
} from '../sink.js';
import { threadLink } from '../thread-link.js';
import {
  type ChannelMessages,
  channelMessages,
  type Threads,
  threads,
  type WebhookMessages,
  webhookMessages,
} from './api/discord-api.js';
import {
  deliveryError,
  discordErrorCode,
  isMissingAccess,
  isTokenDead,
  PERMISSION_HINT,
} from './api/discord-failure.js';
import { multipartMessage } from './api/multipart-message.js';
import { BoundedMap } from './bounded-map.js';
import { type DiscordMessage, message } from './render/message.js';
import { renderCheck } from './render/render-check.js';
import { renderRootDone, renderRootPending, threadName } from './render/render-root.js';
import { renderSummary } from './render/render-summary.js';
import { escapeText } from './render/text.js';

/** Discord invalidates interaction tokens after 15 minutes; leave a margin for slow requests. */
export const INTERACTION_TOKEN_LIFETIME_MS = 14 * 60 * 1000;
/** How long a channel that answered "gone" or "no permission" is left alone. */
const DEAD_CHANNEL_TTL_MS = 10 * 60 * 1000;
/** The worker can beat our own deferred answer to Discord; these waits cover that race. */
const ORIGINAL_NOT_READY_DELAYS_MS = [250, 750, 1500];

type Interaction = NonNullable<Extract<ReplyTarget, { platform: 'discord' }>['interaction']>;

export interface DiscordSinkDeps {
  rest: REST;
  logger?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createDiscordSink(deps: DiscordSinkDeps): DiscordSink {
  return new DiscordSink(deps);
}

export class DiscordSink implements ChatSink {
  readonly platform = 'discord' as const;
  private readonly webhooks: WebhookMessages;
  private readonly channels: ChannelMessages;
  private readonly threads: Threads;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger | undefined;
  /** Root message id → the interaction that owns it (edits go through its token while it lives). */
  private readonly interactions = new BoundedMap<string, Interaction>(2000);
  /** Thread id → guild id, learnt when the thread is created, for links. */
  private readonly guilds = new BoundedMap<string, string>(2000);
  /** Root message id → the last report shown on it. */
  private readonly reports = new BoundedMap<string, Report>(500);
  /** Root message id → a line telling people what to fix, shown on the root when it is edited. */
  private readonly hints = new BoundedMap<string, string>(2000);
  /** Channels or threads that answered "gone" or "no permission", and when: no calls for a while. */
  private readonly dead = new BoundedMap<string, number>(2000);

  private readonly rest: REST;

  constructor(deps: DiscordSinkDeps) {
    this.rest = deps.rest;
    this.webhooks = webhookMessages(deps.rest);
    this.channels = channelMessages(deps.rest);
    this.threads = threads(deps.rest);
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.logger = deps.logger;
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
    if (reply.platform !== 'discord') throw new Error(`DiscordSink cannot answer on ${reply.platform}`);
    const body = renderRootPending(context);
    let ref: ThreadRef;
    if (context.root?.platform === 'discord') {
      // An earlier attempt posted the root and then failed to start its thread: finish that one.
      ref = { platform: 'discord', channel: context.root.channel, root: context.root.root };
    } else {
      // A repeat of this root (same key within Discord's few minutes) returns the message already posted.
      const root = await this.postRoot(
        reply,
        context.rootKey === undefined ? body : { ...body, nonce: context.rootKey, enforce_nonce: true },
      );
      ref = { platform: 'discord', channel: root.channel_id || reply.channel, root: root.id };
      await context.onRoot?.({ ...ref });
    }
    const root = { id: ref.root };
    if (reply.interaction) this.interactions.set(root.id, reply.interaction);
    try {
      const thread = await this.threads.startFromMessage(ref.channel, root.id, threadName(context.site));
      ref.thread = thread.id;
      if (thread.guildId !== undefined) this.guilds.set(thread.id, thread.guildId);
    } catch (error) {
      if (discordErrorCode(error) === RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType) {
        // Asked inside a thread (or a channel type without threads): answer right there.
        ref.thread = ref.channel;
        return ref;
      }
      const failure = deliveryError(`starting a thread in channel ${ref.channel}`, error);
      if (failure.retryable) throw failure;
      this.logger?.warn({ code: failure.code, channel: ref.channel }, failure.message);
      const hint = isMissingAccess(error)
        ? `⚠️ I could not start a thread here: ${PERMISSION_HINT}. The verdict will appear on this message.`
        : '⚠️ I could not start a thread here. The verdict will appear on this message.';
      this.hints.set(root.id, hint);
      await this.editRoot(ref, withHint(body, hint));
    }
    return ref;
  }

  async postCheck(thread: ThreadRef, check: CheckSummary, findings: readonly Finding[]): Promise<void> {
    if (thread.thread === undefined) return; // no thread could be started; the root carries the verdict
    const body = renderCheck(check, findings);
    if (body === undefined) return; // nothing wrong: the check is one line in the summary
    await this.post(thread, thread.thread, body, `posting the ${check.name} check`);
  }

  async postSummary(thread: ThreadRef, report: Report, context?: RunContext): Promise<void> {
    await this.post(
      thread,
      thread.thread ?? thread.channel,
      renderSummary(report, context),
      'posting the summary',
    );
  }

  async updateRoot(thread: ThreadRef, report: Report | undefined, context: RunContext): Promise<void> {
    const hint = this.hints.get(thread.root);
    // An incident update carries no report: keep showing the last verdict this process posted.
    if (report !== undefined) this.reports.set(thread.root, report);
    const body = renderRootDone(report ?? this.reports.get(thread.root), context);
    await this.editRoot(thread, hint === undefined ? body : withHint(body, hint));
  }

  async postNote(thread: ThreadRef, text: string): Promise<void> {
    if (thread.thread === undefined) return;
    await this.post(thread, thread.thread, message({ content: escapeText(text) }), 'posting a note');
  }

  async postStorm(channel: string, view: () => StormView): Promise<ThreadRef> {
    try {
      const posted = await this.channels.create(channel, stormMessage(view()));
      return { platform: 'discord', channel, root: posted.id };
    } catch (error) {
      const failure = deliveryError(`posting the storm message in ${channel}`, error);
      if (!failure.retryable)
        throw new UndeliverableError(failure.message, `discord_${failure.code ?? 'error'}`);
      throw failure;
    }
  }

  /** A message with the file attached (multipart, see multipart-message.ts), in the thread when there is one. */
  async postFile(
    where: { channel: string; thread?: ThreadRef },
    file: { name: string; title: string; content: string },
  ): Promise<void> {
    const channel = where.thread?.thread ?? where.thread?.channel ?? where.channel;
    try {
      const upload = await multipartMessage(message({ content: escapeText(file.title) }), {
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
    try {
      await this.channels.edit(posted.channel, posted.root, stormMessage(view));
    } catch (error) {
      this.failed(posted.channel, 'editing the storm message', error);
    }
  }

  async postFixResult(thread: ThreadRef, text: string, undoFixId?: string): Promise<void> {
    if (thread.thread === undefined) return;
    const components =
      undoFixId === undefined
        ? []
        : [
            new ActionRowBuilder<ButtonBuilder>()
              .addComponents(
                new ButtonBuilder()
                  .setCustomId(discordFixId.undo(undoFixId))
                  .setLabel('Undo (1 h)')
                  .setStyle(ButtonStyle.Secondary),
              )
              .toJSON(),
          ];
    await this.post(
      thread,
      thread.thread,
      message({ content: escapeText(text), components }),
      'posting a fix result',
    );
  }

  threadLink(thread: ThreadRef): string | undefined {
    const guildId = this.guilds.get(thread.thread ?? thread.channel);
    return threadLink(thread, guildId !== undefined ? { guildId } : {});
  }

  private async postRoot(
    reply: Extract<ReplyTarget, { platform: 'discord' }>,
    body: DiscordMessage,
  ): Promise<APIMessage> {
    const interaction = reply.interaction;
    if (interaction && this.tokenAlive(interaction)) {
      try {
        const { nonce: _nonce, enforce_nonce: _enforce, ...edit } = body; // creation-only fields
        return await this.editOriginal(interaction, edit);
      } catch (error) {
        if (!isTokenDead(error)) throw deliveryError('editing the interaction response', error);
        this.logger?.info(
          { channel: reply.channel },
          'interaction token no longer valid; posting the root with the bot token',
        );
      }
    }
    try {
      return await this.channels.create(reply.channel, body);
    } catch (error) {
      const failure = deliveryError(`posting in channel ${reply.channel}`, error);
      this.logger?.warn({ code: failure.code, channel: reply.channel }, failure.message);
      // Nowhere to answer and a retry cannot change that: the worker fails the job at once.
      if (!failure.retryable)
        throw new UndeliverableError(failure.message, `discord_${failure.code ?? 'error'}`);
      throw failure;
    }
  }

  /** PATCH @original, waiting out the short window in which Discord has not seen our deferral yet. */
  private async editOriginal(interaction: Interaction, body: DiscordMessage): Promise<APIMessage> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.webhooks.editOriginal(interaction.applicationId, interaction.token, body);
      } catch (error) {
        const delay = ORIGINAL_NOT_READY_DELAYS_MS[attempt];
        const young = this.now() - interaction.createdAt < 30_000;
        const notReady =
          discordErrorCode(error) === RESTJSONErrorCodes.UnknownMessage ||
          discordErrorCode(error) === RESTJSONErrorCodes.UnknownWebhook;
        if (delay === undefined || !young || !notReady) throw error;
        await this.sleep(delay);
      }
    }
  }

  private async editRoot(thread: ThreadRef, body: DiscordMessage): Promise<void> {
    const interaction = this.interactions.get(thread.root);
    if (interaction && this.tokenAlive(interaction)) {
      try {
        await this.webhooks.editOriginal(interaction.applicationId, interaction.token, body);
        return;
      } catch (error) {
        if (!isTokenDead(error)) return this.failed(thread.channel, 'editing the root message', error);
      }
    }
    try {
      await this.channels.edit(thread.channel, thread.root, body);
    } catch (error) {
      this.failed(thread.channel, 'editing the root message', error);
    }
  }

  private async post(thread: ThreadRef, channel: string, body: DiscordMessage, what: string): Promise<void> {
    if (this.isDead(channel)) return;
    try {
      await this.channels.create(channel, body);
    } catch (error) {
      this.failed(channel, what, error);
      // Tell the people watching the root why the thread stays silent (shown when it is edited).
      this.hints.set(
        thread.root,
        isMissingAccess(error)
          ? `⚠️ I could not post in the thread: ${PERMISSION_HINT}.`
          : '⚠️ The thread was deleted or locked, so the findings could not be posted there.',
      );
    }
  }

  /** Throws what a retry can fix; logs (once per channel) and swallows what it cannot. */
  private failed(channel: string, what: string, error: unknown): void {
    const failure = deliveryError(`${what} in ${channel}`, error);
    if (failure.retryable) throw failure;
    if (!this.isDead(channel)) this.logger?.warn({ code: failure.code, channel }, failure.message);
    this.dead.set(channel, this.now());
  }

  /** Dead for a while only: someone may grant the permission, and the next diagnosis should work. */
  private isDead(channel: string): boolean {
    const since = this.dead.get(channel);
    return since !== undefined && this.now() - since < DEAD_CHANNEL_TTL_MS;
  }

  private tokenAlive(interaction: Interaction): boolean {
    return this.now() - interaction.createdAt < INTERACTION_TOKEN_LIFETIME_MS;
  }
}

function withHint(body: DiscordMessage, hint: string): DiscordMessage {
  return message({ ...body, content: `${body.content ?? ''}\n${hint}` });
}

function stormMessage(view: StormView): DiscordMessage {
  return message({
    content: stormText(view, {
      escape: escapeText,
      bold: (text) => `**${text}**`,
      link: (url, label) => (url.startsWith('<#') ? url : `[${label}](${url})`),
      max: 1990,
    }),
  });
}
