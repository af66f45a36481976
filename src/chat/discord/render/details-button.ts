// The Details button's custom_id carries the job whose stored report it shows:
// `check502:details:<jobId>` (job ids are short: `discord-<snowflake>`, a UUID).
import { ButtonBuilder } from '@discordjs/builders';
import { ButtonStyle } from 'discord-api-types/v10';

const PREFIX = 'check502:details:';
const MAX_CUSTOM_ID = 100;

export function detailsButton(jobId: string): ButtonBuilder | undefined {
  const id = `${PREFIX}${jobId}`;
  if (id.length > MAX_CUSTOM_ID) return undefined;
  return new ButtonBuilder().setCustomId(id).setLabel('Details').setStyle(ButtonStyle.Secondary);
}

/** The job id a Details custom_id names, or undefined for other ids. */
export function parseDetailsId(customId: string): string | undefined {
  if (!customId.startsWith(PREFIX)) return undefined;
  const jobId = customId.slice(PREFIX.length);
  return /^[A-Za-z0-9_-]{1,80}$/.test(jobId) ? jobId : undefined;
}
