// POST /discord/interactions: verify Ed25519, answer PING, and translate `/check502 site:<site>`
// (and its subcommands) and Re-run clicks into the chat front's CommandInput; the front's answer
// becomes a deferred response (queued) or an ephemeral message. Nothing reaches the front before
// the signature is checked.
import type { KeyObject } from 'node:crypto';
import { ActionRowBuilder, ButtonBuilder } from '@discordjs/builders';
import { ButtonStyle, InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { parseSite } from '../../diagnosis/target.js';
import { type HttpRequest, type HttpResponse, json, type Route } from '../../http/route.js';
import type { Logger } from '../../log/logger.js';
import { type DiscordFixClick, discordFixId, parseDiscordFixId } from '../fix-buttons.js';
import { answerText } from '../front/answer-text.js';
import type { ChatFront } from '../front/chat-front.js';
import type { CommandInput } from '../front/command-input.js';
import { DEFAULT_COMMAND, isCommandName, runCommand } from '../front/commands.js';
import type { FixAnswer, FixClick, FixFront } from '../front/fix-front.js';
import { parseDiscordWatchStopId } from '../watch-buttons.js';
import { discordMarkup } from './discord-markup.js';
import { COMMAND_NAME, type ParsedInteraction, parseInteraction } from './parse-interaction.js';
import { parseDetailsId } from './render/details-button.js';
import { parseTimelineId } from './render/timeline-button.js';
import { discordPublicKey, singleHeader, verifyDiscordSignature } from './verify-signature.js';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';

export interface DiscordRoutesDeps {
  /** `DISCORD_PUBLIC_KEY`: the application's Ed25519 key, 64 hex characters. */
  publicKey: string;
  front: ChatFront;
  /** Guarded fixes; absent when not configured (their buttons are then never drawn). */
  fixes?: FixFront;
  logger?: Logger;
  now?: () => number;
}

type Command = Extract<ParsedInteraction, { kind: 'command' }>;
type Rerun = Extract<ParsedInteraction, { kind: 'rerun' }>;
type Component = Extract<ParsedInteraction, { kind: 'component' }>;

export function discordRoutes(deps: DiscordRoutesDeps): Route[] {
  const key: KeyObject = discordPublicKey(deps.publicKey);
  const now = deps.now ?? Date.now;
  const log = deps.logger;

  async function handle(request: HttpRequest): Promise<HttpResponse> {
    const signature = verifyDiscordSignature(
      key,
      singleHeader(request.headers['x-signature-ed25519']),
      singleHeader(request.headers['x-signature-timestamp']),
      request.body,
      now(),
    );
    if (!signature.ok) {
      log?.debug({ reason: signature.reason, remote: request.remoteAddress }, 'discord interaction rejected');
      return json(401, { error: 'invalid request signature' });
    }
    const interaction = parseInteraction(request.body);
    switch (interaction.kind) {
      case 'ping':
        return json(200, { type: InteractionResponseType.Pong });
      case 'invalid':
        log?.info({ reason: interaction.reason }, 'discord interaction malformed');
        return json(400, { error: `malformed interaction: ${interaction.reason}` });
      case 'component':
        return component(interaction);
      case 'command':
        return command(interaction);
      case 'rerun':
        return rerun(interaction);
    }
  }

  async function command(interaction: Command): Promise<HttpResponse> {
    if (interaction.name !== COMMAND_NAME) {
      return ephemeral(`Unknown command. ${answerText({ kind: 'usage' }, discordMarkup)}`);
    }
    const name =
      interaction.subcommand !== undefined && isCommandName(interaction.subcommand)
        ? interaction.subcommand
        : DEFAULT_COMMAND;
    const answer = await runCommand(deps.front, name, {
      ...common(interaction),
      text: interaction.text,
      reply: {
        platform: 'discord',
        channel: interaction.channelId,
        interaction: { applicationId: interaction.applicationId, token: interaction.token, createdAt: now() },
        // No guild: a DM with the bot, the one place origin addresses are shown by default.
        ...(interaction.guildId === undefined ? { private: true as const } : {}),
      },
    });
    // Queued (a diagnosis or a watch): Discord shows "thinking…", and the worker turns that response
    // into the thread's root.
    if (answer.kind === 'queued' || (answer.kind === 'watching' && !answer.joinsRun))
      return json(200, { type: InteractionResponseType.DeferredChannelMessageWithSource });
    return ephemeral(answerText(answer, discordMarkup));
  }

  async function component(interaction: Component): Promise<HttpResponse> {
    const fix = parseDiscordFixId(interaction.customId);
    if (fix && deps.fixes) return fixClick(interaction, fix, deps.fixes);
    const incident = parseTimelineId(interaction.customId);
    const watch = parseDiscordWatchStopId(interaction.customId);
    if (incident !== undefined || watch !== undefined) {
      const answer = await runCommand(deps.front, incident !== undefined ? 'timeline' : 'unwatch', {
        ...common(interaction),
        text: incident ?? watch ?? '',
        reply: { platform: 'discord', channel: interaction.channelId },
      });
      return ephemeral(answerText(answer, discordMarkup));
    }
    const jobId = parseDetailsId(interaction.customId);
    if (jobId === undefined) {
      return ephemeral('This button is not one check502 knows (it may come from an older version).');
    }
    const answer = await runCommand(deps.front, 'details', {
      ...common(interaction),
      text: jobId,
      reply: {
        platform: 'discord',
        channel: interaction.channelId,
        ...(interaction.guildId === undefined ? { private: true as const } : {}),
      },
    });
    return ephemeral(answerText(answer, discordMarkup));
  }

  async function rerun(interaction: Rerun): Promise<HttpResponse> {
    const typed = interaction.site ?? interaction.embedUrl ?? '';
    const parsed = parseSite(typed);
    if (!parsed.ok)
      return ephemeral('I could not tell which site to re-run; use `/check502 diagnose site:<site>`.');
    const channel = interaction.parentId ?? interaction.channelId;
    const input: CommandInput = {
      ...common(interaction),
      // The embed keeps the URL's path; the button only the host.
      text:
        interaction.embedUrl !== undefined && hostOf(interaction.embedUrl) === parsed.target.host
          ? interaction.embedUrl
          : typed,
      reply: {
        platform: 'discord',
        channel,
        ...(interaction.guildId === undefined ? { private: true as const } : {}),
      },
    };
    // A thread started from a message has that message's id: the root is the thread's id.
    if (interaction.inThread) {
      input.thread = {
        platform: 'discord',
        channel,
        root: interaction.channelId,
        thread: interaction.channelId,
        ...(interaction.guildId === undefined ? { private: true as const } : { guild: interaction.guildId }),
      };
    }
    if (interaction.run !== undefined) input.run = interaction.run;
    const answer = await runCommand(deps.front, 'diagnose', input);
    if (answer.kind === 'queued') return json(200, { type: InteractionResponseType.DeferredMessageUpdate });
    return ephemeral(answerText(answer, discordMarkup));
  }

  return [{ method: 'POST', path: DISCORD_INTERACTIONS_PATH, maxBodyBytes: 256 * 1024, handle }];
}

/** What every interaction carries into the front. The interaction id is unique per click or command. */
function common(
  interaction: Command | Rerun | Component,
): Pick<CommandInput, 'platform' | 'key' | 'user' | 'guildId'> {
  const input: Pick<CommandInput, 'platform' | 'key' | 'user' | 'guildId'> = {
    platform: 'discord',
    key: `discord-${interaction.id}`,
  };
  if (interaction.userId !== undefined) input.user = interaction.userId;
  if (interaction.guildId !== undefined) input.guildId = interaction.guildId;
  return input;
}

/** Fix button → ephemeral preview with a Confirm button; Confirm → queued (that message updated); Undo. */
async function fixClick(
  interaction: Component,
  click: DiscordFixClick,
  fixes: FixFront,
): Promise<HttpResponse> {
  const who: FixClick = {
    platform: 'discord',
    user: interaction.userId ?? '',
    roles: interaction.roles ?? [],
    ...(interaction.userName !== undefined ? { name: interaction.userName } : {}),
  };
  if (click.kind === 'undo') return ephemeral(textOf(await fixes.undo(who, click.fixId)));
  if (click.kind === 'confirm') {
    const answer = await fixes.confirm(who, click.offerId);
    return json(200, {
      type: InteractionResponseType.UpdateMessage,
      data: { content: textOf(answer).slice(0, 2000), components: [], allowed_mentions: { parse: [] } },
    });
  }
  const answer = await fixes.preview(who, click.offerId);
  if (answer.kind !== 'preview') return ephemeral(answer.text);
  const confirm = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(discordFixId.confirm(answer.offerId))
      .setLabel('Confirm: apply this fix')
      .setStyle(ButtonStyle.Danger),
  );
  return json(200, {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: {
      content:
        `**${answer.title}**\n\`\`\`\n${answer.preview}\n\`\`\`\nApplied once, only if the value is still what this shows; audited; Undo for an hour.`.slice(
          0,
          2000,
        ),
      components: [confirm.toJSON()],
      flags: MessageFlags.Ephemeral,
      allowed_mentions: { parse: [] },
    },
  });
}

function textOf(answer: FixAnswer): string {
  return answer.kind === 'preview' ? answer.preview : answer.text;
}

function ephemeral(content: string): HttpResponse {
  return json(200, {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { content: content.slice(0, 2000), flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
  });
}

function hostOf(url: string): string | undefined {
  const parsed = parseSite(url);
  return parsed.ok ? parsed.target.host : undefined;
}
