// The Re-run button's custom_id carries the site (and the next run's number) so a click needs no
// lookup: `check502:rerun:<run>:<site>`. custom_id is capped at 100 characters; a site that does
// not fit is left out, and the click falls back to the URL the summary embed links to.
import { ButtonBuilder } from '@discordjs/builders';
import { ButtonStyle } from 'discord-api-types/v10';

const PREFIX = 'check502:rerun';
const MAX_CUSTOM_ID = 100;

export interface RerunId {
  site: string | undefined;
  /** The run the click starts (2 for the first re-run), when the button says. */
  run: number | undefined;
}

export function rerunCustomId(site: string, run?: number): string {
  const runPart = run === undefined ? '' : `${run}:`;
  const full = `${PREFIX}:${runPart}${site}`;
  if (full.length <= MAX_CUSTOM_ID) return full;
  return run === undefined ? PREFIX : `${PREFIX}:${run}:`;
}

/** What a Re-run custom_id says, or undefined for other ids. Sites are hostnames: no colon. */
export function parseRerunId(customId: string): RerunId | undefined {
  if (customId === PREFIX) return { site: undefined, run: undefined };
  if (!customId.startsWith(`${PREFIX}:`)) return undefined;
  const rest = customId.slice(PREFIX.length + 1);
  const withRun = /^(\d{1,5}):(.*)$/.exec(rest);
  const site = withRun ? (withRun[2] ?? '') : rest;
  const run = withRun ? Number(withRun[1]) : undefined;
  return { site: site === '' ? undefined : site, run: run !== undefined && run >= 1 ? run : undefined };
}

export function rerunButton(site: string, run?: number): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(rerunCustomId(site, run))
    .setLabel('Re-run')
    .setStyle(ButtonStyle.Secondary)
    .setEmoji({ name: '🔁' });
}
