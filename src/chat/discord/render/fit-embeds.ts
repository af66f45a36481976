// Makes a message's embeds acceptable to Discord whatever the input: per-field limits first, then
// the 6000-character total across all embeds (EmbedBuilder checks the former, never the latter).
// The longest text is shortened first, so one huge evidence blob cannot crowd out the rest.
import { embedLength } from '@discordjs/builders';
import type { APIEmbed } from 'discord-api-types/v10';
import { clip, shorten } from './text.js';

export const EMBED_LIMITS = {
  embedsPerMessage: 10,
  total: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  content: 2000,
} as const;

/** The smallest a shortened text gets before whole fields are dropped instead. */
const MIN_SLOT = 40;

interface Slot {
  get(): string;
  set(value: string): void;
}

export function fitEmbeds(input: readonly APIEmbed[], total: number = EMBED_LIMITS.total): APIEmbed[] {
  const embeds = input.slice(0, EMBED_LIMITS.embedsPerMessage).map(withFieldLimits);
  // Even at the floor everything cannot fit: drop trailing fields, then trailing embeds.
  while (embeds.length > 0 && floorLength(embeds) > total) {
    const last = embeds[embeds.length - 1];
    if (last?.fields?.length) last.fields = last.fields.slice(0, -1);
    else embeds.pop();
  }
  if (totalLength(embeds) <= total) return embeds;
  // Water-filling: the largest cap at which everything fits; only texts longer than it are cut,
  // so one huge evidence blob is shortened before any short line loses a character.
  const all = slots(embeds);
  let low = MIN_SLOT;
  let high = Math.max(...all.map((slot) => slot.get().length));
  while (low < high) {
    const cap = Math.ceil((low + high) / 2);
    const length = all.reduce((sum, slot) => sum + Math.min(slot.get().length, cap), 0);
    if (length <= total) low = cap;
    else high = cap - 1;
  }
  for (const slot of all) if (slot.get().length > low) slot.set(shorten(slot.get(), low));
  return embeds;
}

/** The total if every text were cut to the floor (texts already shorter stay as they are). */
function floorLength(embeds: APIEmbed[]): number {
  return slots(embeds).reduce((sum, slot) => sum + Math.min(slot.get().length, MIN_SLOT), 0);
}

export function totalLength(embeds: readonly APIEmbed[]): number {
  return embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
}

function withFieldLimits(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title !== undefined) out.title = clip(out.title, EMBED_LIMITS.title);
  if (out.description !== undefined) out.description = shorten(out.description, EMBED_LIMITS.description);
  if (out.footer) out.footer = { ...out.footer, text: clip(out.footer.text, EMBED_LIMITS.footer) };
  if (out.author) out.author = { ...out.author, name: clip(out.author.name, EMBED_LIMITS.author) };
  if (out.fields) {
    out.fields = out.fields.slice(0, EMBED_LIMITS.fields).map((field) => ({
      ...field,
      // Discord rejects empty names and values.
      name: clip(field.name, EMBED_LIMITS.fieldName) || '\u200b',
      value: shorten(field.value, EMBED_LIMITS.fieldValue) || '\u200b',
    }));
  }
  return out;
}

function slots(embeds: APIEmbed[]): Slot[] {
  const out: Slot[] = [];
  for (const embed of embeds) {
    if (embed.description !== undefined)
      out.push({ get: () => embed.description ?? '', set: (v) => (embed.description = v) });
    if (embed.title !== undefined) out.push({ get: () => embed.title ?? '', set: (v) => (embed.title = v) });
    for (const field of embed.fields ?? []) {
      out.push({ get: () => field.value, set: (v) => (field.value = v) });
      out.push({ get: () => field.name, set: (v) => (field.name = v) });
    }
    const footer = embed.footer;
    if (footer) out.push({ get: () => footer.text, set: (v) => (footer.text = v) });
  }
  return out;
}
