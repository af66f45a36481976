// The fake Discord API's command registration: PUT /applications/{app}/commands and
// /applications/{app}/guilds/{guild}/commands, refused as Discord refuses subcommands beside plain
// options at one level (50035 Invalid Form Body).

import { DISCORD_ERRORS, type ErrorSpec } from './shapes.js';

function mixesSubcommands(options: unknown): boolean {
  if (!Array.isArray(options)) return false;
  const types = options.map((o) => (o as { type?: number }).type);
  const subs = types.filter((t) => t === 1 || t === 2).length;
  if (subs > 0 && subs < types.length) return true;
  return options.some((o) => mixesSubcommands((o as { options?: unknown }).options));
}

export function registerCommands(
  parts: string[],
  body: unknown,
  snowflake: () => string,
  send: (status: number, value?: unknown) => true,
  fail: (error: ErrorSpec) => true,
): true {
  const list = Array.isArray(body) ? body : [];
  // Discord refuses subcommands beside plain options at one level (50035 Invalid Form Body).
  if (list.some((command) => mixesSubcommands((command as { options?: unknown }).options)))
    return fail(DISCORD_ERRORS.invalidFormBody);
  return send(
    200,
    list.map((command) => ({ ...(command as object), id: snowflake(), application_id: parts[1] })),
  );
}
