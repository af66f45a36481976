// The Timeline button on a closed incident's root: its custom_id carries the incident
// (`check502:timeline:<site>#<n>`), so a click posts that incident's timeline, not a later one's.
import { ButtonBuilder } from '@discordjs/builders';
import { ButtonStyle } from 'discord-api-types/v10';

const PREFIX = 'check502:timeline:';
const MAX_CUSTOM_ID = 100;

/** Undefined when the id would not fit Discord's 100-character custom_id (a very long host name). */
export function timelineButton(incidentId: string): ButtonBuilder | undefined {
  const id = `${PREFIX}${incidentId}`;
  if (id.length > MAX_CUSTOM_ID) return undefined;
  return new ButtonBuilder().setCustomId(id).setLabel('Timeline').setStyle(ButtonStyle.Secondary);
}

/** The incident id a Timeline custom_id names (`<host>#<n>`), or undefined for other ids. */
export function parseTimelineId(customId: string): string | undefined {
  if (!customId.startsWith(PREFIX)) return undefined;
  const id = customId.slice(PREFIX.length);
  return /^[a-z0-9.-]{1,80}#\d{1,9}$/i.test(id) ? id : undefined;
}
