// Block Kit building blocks that respect Slack's limits by construction: section text is capped at
// 3000 characters, headers at 150, and long lists are packed into as many messages as needed
// (at most 45 blocks and about 10k characters each, well under what makes Slack reject a message).
import type { types } from '@slack/bolt';
import { truncate } from '../render/text-limits.js';

export type Block = types.KnownBlock;

export interface SlackMessage {
  /** Notification and accessibility fallback; always present. */
  text: string;
  blocks: Block[];
}

export const LIMITS = {
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  blocksPerMessage: 45,
  charsPerMessage: 10_000,
  fallbackText: 3000,
} as const;

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

export function header(text: string): Block {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

export function context(...texts: string[]): Block {
  return {
    type: 'context',
    elements: texts
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, LIMITS.sectionText) })),
  };
}

export function button(text: string, actionId: string, value: string): types.Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(text, LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value: value.slice(0, LIMITS.buttonValue),
  };
}

export function divider(): Block {
  return { type: 'divider' };
}

/** Splits long text into section-sized chunks on line boundaries (a single huge line is cut). */
export function sections(text: string, max: number = LIMITS.sectionText): Block[] {
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const piece = line.length > max ? truncate(line, max) : line;
    if (current !== '' && current.length + 1 + piece.length > max) {
      out.push(current);
      current = piece;
    } else current = current === '' ? piece : `${current}\n${piece}`;
  }
  if (current !== '') out.push(current);
  return out.map((chunk) => section(chunk));
}

/** Packs blocks into messages within the per-message limits; `text` gets a "(2/3)" suffix when split. */
export function pack(text: string, blocks: Block[]): SlackMessage[] {
  const messages: Block[][] = [];
  let current: Block[] = [];
  let size = 0;
  for (const block of blocks) {
    const weight = JSON.stringify(block).length;
    if (
      current.length > 0 &&
      (current.length >= LIMITS.blocksPerMessage || size + weight > LIMITS.charsPerMessage)
    ) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(block);
    size += weight;
  }
  if (current.length > 0 || messages.length === 0) messages.push(current);
  const fallback = truncate(text, LIMITS.fallbackText - 10);
  return messages.map((group, i) => ({
    text: messages.length > 1 ? `${fallback} (${i + 1}/${messages.length})` : fallback,
    blocks: group,
  }));
}
