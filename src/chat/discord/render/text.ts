// Text that reaches Discord from outside (the site a user typed, what an origin answered) is escaped
// so it cannot format, mention or break out of a code block, and clipped visibly to a limit.
const ELLIPSIS = '…';
/** Nothing rendered is longer than a description; clipping first keeps escaping cheap on huge input. */
const MAX_INPUT = 4096;

/**
 * Escapes Discord markdown and defuses mentions (`@everyone`, `<@id>`, `<#id>`) in user text.
 * Written as a few linear passes: discord.js's escapeMarkdown takes seconds on 20 kB of hostile text.
 */
export function escapeText(text: string): string {
  return clip(text, MAX_INPUT)
    .replace(/[\\*_~`|[\]]/g, '\\$&')
    .replace(/^([ \t]*)([#>+-]|\d+\.)/gm, '$1\\$2')
    .replace(/@(everyone|here)/gi, '@\u200b$1')
    .replace(/<([@#:]|t:|a:)/g, '<\u200b$1');
}

/** Inline code for a short machine value (a finding code, a status): backticks cannot end it early. */
export function inlineCode(text: string): string {
  return `\`${text.replace(/`/g, 'ˋ')}\``;
}

/** A fenced code block whose content cannot close the fence. */
export function codeBlock(text: string, max: number): string {
  const fence = '```';
  const safe = text.replace(/`/g, 'ˋ');
  return `${fence}\n${clip(safe, max - fence.length * 2 - 2)}\n${fence}`;
}

/** Clips to `max` characters with a visible ellipsis; never leaves a dangling escape backslash. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  let cut = text.slice(0, max - 1);
  // Cutting an escaped character in half would escape the ellipsis itself, or leave half a surrogate.
  while (cut.endsWith('\\')) cut = cut.slice(0, -1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${ELLIPSIS}`;
}

/** Like `clip`, but a fenced code block stays fenced (its content is clipped instead). */
export function shorten(text: string, max: number): string {
  const fenced = /^```\n([\s\S]*)\n```$/.exec(text);
  if (fenced && max > 12) return codeBlock(fenced[1] ?? '', max);
  return clip(text, max);
}
