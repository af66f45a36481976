// Turns a verified interaction body into the few shapes check502 acts on. The body is signed by
// Discord, yet it is still outside input: every field is checked, and anything unexpected becomes a
// reason (answered 400) rather than an exception.
import {
  ApplicationCommandOptionType,
  ChannelType,
  ComponentType,
  InteractionType,
} from 'discord-api-types/v10';
import { parseRerunId } from './render/rerun-button.js';

export const COMMAND_NAME = 'check502';

interface Common {
  id: string;
  applicationId: string;
  token: string;
  channelId: string;
  guildId?: string;
  userId?: string;
  userName?: string;
  /** The member's role ids (guild interactions): the guarded fixes' allow-list reads them. */
  roles?: string[];
}

export type ParsedInteraction =
  | { kind: 'ping' }
  | (Common & {
      kind: 'command';
      name: string;
      /** `/check502 watch …`: the first-level subcommand; absent for `/check502 site:<site>`. */
      subcommand?: string;
      /** The rest as a user would type it after the command on Slack: nested subcommands, then option values. */
      text: string;
    })
  | (Common & {
      kind: 'rerun';
      /** The site from the button, or undefined when it did not fit and the embed's URL is the fallback. */
      site: string | undefined;
      run: number | undefined;
      /** Whether the button sits in a thread (the usual case: the summary is posted in one). */
      inThread: boolean;
      /** The thread's parent channel, when Discord says (the button sits in the thread). */
      parentId?: string;
      messageId: string;
      embedUrl?: string;
    })
  | (Common & { kind: 'component'; customId: string })
  | { kind: 'invalid'; reason: string };

const SNOWFLAKE = /^\d{1,25}$/;
const THREAD_TYPES = new Set<unknown>([
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
]);

export function parseInteraction(body: Buffer): ParsedInteraction {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    return invalid('body is not JSON');
  }
  if (!isObject(raw)) return invalid('body is not a JSON object');
  const type = raw['type'];
  if (type === InteractionType.Ping) return { kind: 'ping' };
  if (type !== InteractionType.ApplicationCommand && type !== InteractionType.MessageComponent) {
    return invalid(`unsupported interaction type ${JSON.stringify(type)?.slice(0, 20)}`);
  }
  const common = parseCommon(raw);
  if (typeof common === 'string') return invalid(common);
  const data = raw['data'];
  if (!isObject(data)) return invalid('data is missing');

  if (type === InteractionType.ApplicationCommand) {
    const name = data['name'];
    if (typeof name !== 'string') return invalid('data.name is missing');
    const options = data['options'];
    const first = Array.isArray(options) ? options[0] : undefined;
    if (
      isObject(first) &&
      (first['type'] === ApplicationCommandOptionType.Subcommand ||
        first['type'] === ApplicationCommandOptionType.SubcommandGroup)
    ) {
      const subcommand = String(first['name']);
      return { ...common, kind: 'command', name, subcommand, text: optionText(first['options']) };
    }
    return { ...common, kind: 'command', name, text: optionText(options) };
  }

  const customId = data['custom_id'];
  if (typeof customId !== 'string' || customId.length > 100) return invalid('data.custom_id is missing');
  const rerun = parseRerunId(customId);
  if (rerun === undefined || data['component_type'] !== ComponentType.Button) {
    return { ...common, kind: 'component', customId };
  }
  const message = raw['message'];
  if (!isObject(message) || !isSnowflake(message['id'])) return invalid('message.id is missing');
  const parsed: ParsedInteraction = {
    ...common,
    kind: 'rerun',
    site: rerun.site,
    run: rerun.run,
    inThread: false,
    messageId: message['id'] as string,
  };
  const channel = raw['channel'];
  if (isObject(channel)) {
    parsed.inThread = THREAD_TYPES.has(channel['type']);
    if (isSnowflake(channel['parent_id'])) parsed.parentId = channel['parent_id'];
  }
  const firstEmbed = Array.isArray(message['embeds']) ? message['embeds'][0] : undefined;
  if (isObject(firstEmbed) && typeof firstEmbed['url'] === 'string') parsed.embedUrl = firstEmbed['url'];
  return parsed;
}

function parseCommon(raw: Record<string, unknown>): Common | string {
  const { id, application_id: applicationId, token } = raw;
  if (!isSnowflake(id)) return 'id is missing';
  if (!isSnowflake(applicationId)) return 'application_id is missing';
  if (typeof token !== 'string' || token.length === 0 || token.length > 1000) return 'token is missing';
  const channel = raw['channel'];
  const channelId = raw['channel_id'] ?? (isObject(channel) ? channel['id'] : undefined);
  if (!isSnowflake(channelId)) return 'channel_id is missing';
  const common: Common = { id, applicationId, token, channelId };
  if (isSnowflake(raw['guild_id'])) common.guildId = raw['guild_id'];
  const member = raw['member'];
  const user = isObject(member) ? member['user'] : raw['user'];
  if (isObject(user) && isSnowflake(user['id'])) common.userId = user['id'];
  if (isObject(user) && typeof user['username'] === 'string')
    common.userName = user['username'].slice(0, 100);
  if (isObject(member) && Array.isArray(member['roles'])) common.roles = member['roles'].filter(isSnowflake);
  return common;
}

/** Option values in order (a subcommand group's name first), as one line of text: `add shop.example.com 5m`. */
function optionText(options: unknown, depth = 0): string {
  if (!Array.isArray(options) || depth > 2) return '';
  const words: string[] = [];
  for (const option of options) {
    if (!isObject(option)) continue;
    const value = option['value'];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      words.push(String(value));
    } else if (
      option['type'] === ApplicationCommandOptionType.Subcommand ||
      option['type'] === ApplicationCommandOptionType.SubcommandGroup ||
      Array.isArray(option['options'])
    ) {
      // A subcommand without options (`monitor list`) may come without an `options` array.
      words.push(String(option['name']), optionText(option['options'], depth + 1));
    }
  }
  return words.filter((word) => word !== '').join(' ');
}

function invalid(reason: string): ParsedInteraction {
  return { kind: 'invalid', reason };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && SNOWFLAKE.test(value);
}
