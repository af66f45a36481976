// The body of every message check502 sends to Discord. Mentions are never parsed: text from an
// origin or an alert must not be able to ping @everyone.
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord-api-types/v10';
import { EMBED_LIMITS, fitEmbeds } from './fit-embeds.js';
import { clip } from './text.js';

export interface DiscordMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowed_mentions: { parse: [] };
  /** Root messages: the same on every attempt, so Discord returns the first instead of a repeat. */
  nonce?: string;
  enforce_nonce?: boolean;
}

export function message(parts: {
  content?: string;
  embeds?: readonly APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
}): DiscordMessage {
  const out: DiscordMessage = { allowed_mentions: { parse: [] } };
  if (parts.content !== undefined) out.content = clip(parts.content, EMBED_LIMITS.content);
  if (parts.embeds !== undefined) out.embeds = fitEmbeds(parts.embeds);
  if (parts.components !== undefined) out.components = parts.components;
  return out;
}
