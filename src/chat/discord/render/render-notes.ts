// The plain-text messages of a Discord thread besides checks and the summary: notes, a fix's result
// (with its Undo button), the storm message, and a hint line added to the root.
import { ActionRowBuilder, ButtonBuilder } from '@discordjs/builders';
import { ButtonStyle } from 'discord-api-types/v10';
import { discordFixId } from '../../fix-buttons.js';
import { stormText } from '../../render/storm-text.js';
import type { StormView } from '../../sink.js';
import { type DiscordMessage, message } from './message.js';
import { escapeText } from './text.js';

export function renderNote(text: string): DiscordMessage {
  return message({ content: escapeText(text) });
}

export function renderFixResult(text: string, undoFixId?: string): DiscordMessage {
  if (undoFixId === undefined) return renderNote(text);
  const undo = new ButtonBuilder()
    .setCustomId(discordFixId.undo(undoFixId))
    .setLabel('Undo (1 h)')
    .setStyle(ButtonStyle.Secondary);
  return message({
    content: escapeText(text),
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(undo).toJSON()],
  });
}

export function renderStorm(view: StormView): DiscordMessage {
  return message({
    content: stormText(view, {
      escape: escapeText,
      bold: (text) => `**${text}**`,
      link: (url, label) => (url.startsWith('<#') ? url : `[${label}](${url})`),
      max: 1990,
    }),
  });
}

export function withHint(body: DiscordMessage, hint: string): DiscordMessage {
  return message({ ...body, content: `${body.content ?? ''}\n${hint}` });
}
