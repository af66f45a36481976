// The root message of a Discord thread. For a slash command it is the interaction's deferred
// response, posted and edited through the interaction token while that lives (15 minutes), then
// through the bot token; for alert incidents it is a bot message. Which interaction owns a root is
// kept in the shared thread state, so a job retried on another worker edits the same message the
// same way.
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { Logger } from '../../log/logger.js';
import type { ReplyTarget, ThreadRef } from '../sink.js';
import type { Interaction, ThreadState } from '../thread-state.js';
import type { ChannelMessages, WebhookMessages } from './api/discord-api.js';
import { deliveryError, discordErrorCode, isTokenDead } from './api/discord-failure.js';
import type { DiscordMessage } from './render/message.js';

/** Discord invalidates interaction tokens after 15 minutes; leave a margin for slow requests. */
export const INTERACTION_TOKEN_LIFETIME_MS = 14 * 60 * 1000;
/** The worker can beat our own deferred answer to Discord; these waits cover that race. */
const ORIGINAL_NOT_READY_DELAYS_MS = [250, 750, 1500];

export interface DiscordRootDeps {
  webhooks: WebhookMessages;
  channels: ChannelMessages;
  state: ThreadState;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger?: Logger | undefined;
}

export class DiscordRoots {
  constructor(private readonly deps: DiscordRootDeps) {}

  /** Posts the root where the reply asks; throws a DeliveryError (never retryable when nowhere to answer). */
  async post(reply: Extract<ReplyTarget, { platform: 'discord' }>, body: DiscordMessage): Promise<ThreadRef> {
    const interaction = reply.interaction;
    if (interaction && this.alive(interaction)) {
      try {
        const { nonce: _nonce, enforce_nonce: _enforce, ...edit } = body; // creation-only fields
        const posted = await this.editOriginal(interaction, edit);
        const ref = {
          platform: 'discord' as const,
          channel: posted.channel_id || reply.channel,
          root: posted.id,
        };
        await this.deps.state.remember('discord', ref.root, { interaction });
        return ref;
      } catch (error) {
        if (!isTokenDead(error)) throw deliveryError('editing the interaction response', error);
        this.deps.logger?.info(
          { channel: reply.channel },
          'interaction token no longer valid; posting the root with the bot token',
        );
      }
    }
    try {
      const posted = await this.deps.channels.create(reply.channel, body);
      return { platform: 'discord', channel: posted.channel_id || reply.channel, root: posted.id };
    } catch (error) {
      throw deliveryError(`posting in channel ${reply.channel}`, error);
    }
  }

  /** Edits the root through its interaction while the token lives, else with the bot token. */
  async edit(thread: ThreadRef, body: DiscordMessage): Promise<void> {
    const { interaction } = await this.deps.state.root('discord', thread.root);
    if (interaction && this.alive(interaction)) {
      try {
        await this.deps.webhooks.editOriginal(interaction.applicationId, interaction.token, body);
        return;
      } catch (error) {
        if (!isTokenDead(error)) throw deliveryError(`editing the root message in ${thread.channel}`, error);
      }
    }
    try {
      await this.deps.channels.edit(thread.channel, thread.root, body);
    } catch (error) {
      throw deliveryError(`editing the root message in ${thread.channel}`, error);
    }
  }

  /** PATCH @original, waiting out the short window in which Discord has not seen our deferral yet. */
  private async editOriginal(interaction: Interaction, body: DiscordMessage) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.webhooks.editOriginal(interaction.applicationId, interaction.token, body);
      } catch (error) {
        const delay = ORIGINAL_NOT_READY_DELAYS_MS[attempt];
        const young = this.deps.now() - interaction.createdAt < 30_000;
        const notReady =
          discordErrorCode(error) === RESTJSONErrorCodes.UnknownMessage ||
          discordErrorCode(error) === RESTJSONErrorCodes.UnknownWebhook;
        if (delay === undefined || !young || !notReady) throw error;
        await this.deps.sleep(delay);
      }
    }
  }

  private alive(interaction: Interaction): boolean {
    return this.deps.now() - interaction.createdAt < INTERACTION_TOKEN_LIFETIME_MS;
  }
}
