// Thin typed wrappers over the REST client, one per resource check502 touches. Webhook (interaction)
// calls go without the bot token: the interaction token in the path is the credential.
import type { REST } from '@discordjs/rest';
import {
  type APIMessage,
  type APIThreadChannel,
  RESTJSONErrorCodes,
  type RESTPutAPIApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsResult,
  Routes,
} from 'discord-api-types/v10';
import type { DiscordMessage } from '../render/message.js';
import { discordErrorCode } from './discord-failure.js';

export interface WebhookMessages {
  editOriginal(applicationId: string, token: string, body: DiscordMessage): Promise<APIMessage>;
}

export interface ChannelMessages {
  create(channelId: string, body: DiscordMessage): Promise<APIMessage>;
  edit(channelId: string, messageId: string, body: DiscordMessage): Promise<APIMessage>;
}

export interface Threads {
  /** Starts a public thread from a message; the thread's id equals the message's. */
  startFromMessage(
    channelId: string,
    messageId: string,
    name: string,
  ): Promise<{ id: string; guildId?: string }>;
}

export interface Commands {
  overwrite(
    applicationId: string,
    commands: RESTPutAPIApplicationCommandsJSONBody,
    guildId?: string,
  ): Promise<RESTPutAPIApplicationCommandsResult>;
}

export function webhookMessages(rest: REST): WebhookMessages {
  return {
    editOriginal: async (applicationId, token, body) =>
      (await rest.patch(Routes.webhookMessage(applicationId, token), { body, auth: false })) as APIMessage,
  };
}

export function channelMessages(rest: REST): ChannelMessages {
  return {
    create: async (channelId, body) =>
      (await rest.post(Routes.channelMessages(channelId), { body })) as APIMessage,
    edit: async (channelId, messageId, body) =>
      (await rest.patch(Routes.channelMessage(channelId, messageId), { body })) as APIMessage,
  };
}

export function threads(rest: REST): Threads {
  return {
    startFromMessage: async (channelId, messageId, name) => {
      try {
        const thread = (await rest.post(Routes.threads(channelId, messageId), {
          body: { name, auto_archive_duration: 1440 },
        })) as APIThreadChannel;
        return thread.guild_id === undefined
          ? { id: thread.id }
          : { id: thread.id, guildId: thread.guild_id };
      } catch (error) {
        // A retried job meets the thread it started before it died: same id, so carry on.
        if (discordErrorCode(error) === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage)
          return { id: messageId };
        throw error;
      }
    },
  };
}

export function commands(rest: REST): Commands {
  return {
    overwrite: async (applicationId, body, guildId) => {
      const route =
        guildId === undefined
          ? Routes.applicationCommands(applicationId)
          : Routes.applicationGuildCommands(applicationId, guildId);
      return (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
    },
  };
}
