// The front's answers in Slack mrkdwn.
import type { Markup } from '../front/markup.js';
import { escapeCode, escapeMrkdwn } from './mrkdwn.js';

export const slackMarkup: Markup = {
  text: escapeMrkdwn,
  bold: (value) => `*${value}*`,
  code: (value) => `\`${value}\``,
  block: (value) => `\`\`\`${escapeCode(value)}\`\`\``,
  link: (url, label) => `<${url}|${label}>`,
  command: (args) => ['/check502', ...args].join(' '),
};
