// The one place a link to a thread is built (the front's "already running — see its thread", the
// incident notes' "previous incident"). Slack's archive links redirect to the workspace; Discord
// needs the guild for a URL, and without it a channel mention is still a link inside Discord.
import type { ThreadRef } from './sink.js';

export interface LinkContext {
  /** Discord: the guild the thread is in, when the thread does not carry it. */
  guildId?: string;
  /** Slack: the base of archive links (default https://slack.com). */
  slackBase?: string;
}

export function threadLink(thread: ThreadRef, where: LinkContext = {}): string {
  if (thread.platform === 'slack') {
    return `${where.slackBase ?? 'https://slack.com'}/archives/${thread.channel}/p${thread.root.replace('.', '')}`;
  }
  const id = thread.thread ?? thread.channel;
  const guildId = where.guildId ?? thread.guild;
  return guildId === undefined ? `<#${id}>` : `https://discord.com/channels/${guildId}/${id}`;
}
