// The id of a watch's Stop button, shared by the renderers that draw it and the adapters that read
// the click: a Slack action id (value = the watch id) and a Discord custom_id `check502:unwatch:<id>`.
export const SLACK_WATCH_STOP_ACTION = 'check502_watch_stop';

const DISCORD_PREFIX = 'check502:unwatch:';
const WATCH_ID = /^w-[a-f0-9]{8,40}$/;

export function discordWatchStopId(watchId: string): string {
  return `${DISCORD_PREFIX}${watchId}`;
}

/** The watch a Stop custom_id names, or undefined for other ids. */
export function parseDiscordWatchStopId(customId: string): string | undefined {
  if (!customId.startsWith(DISCORD_PREFIX)) return undefined;
  const id = customId.slice(DISCORD_PREFIX.length);
  return WATCH_ID.test(id) ? id : undefined;
}

export function isWatchId(value: string): boolean {
  return WATCH_ID.test(value);
}
