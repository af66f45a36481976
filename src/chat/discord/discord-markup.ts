// The front's answers in Discord markdown.
import type { Markup } from '../front/markup.js';
import { codeBlock, escapeText } from './render/text.js';

export const discordMarkup: Markup = {
  text: escapeText,
  bold: (value) => `**${value}**`,
  code: (value) => `\`${value}\``,
  block: (value) => codeBlock(value, 1900),
  // A channel mention is already a link inside Discord; a masked link would print it verbatim.
  link: (url, label) => (url.startsWith('<#') ? url : `[${label}](${url})`),
  // Every command is a subcommand on Discord (command-definition.ts); a site alone is a diagnosis.
  command: (args) => ['/check502 diagnose', ...args.map((arg) => `site:${arg}`)].join(' '),
};
