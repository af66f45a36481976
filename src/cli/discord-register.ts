// `check502 discord register [--guild <id>]`: puts the /check502 command on the application,
// globally or in one guild (guild commands update at once; use them while trying things out).
// PUT is a bulk overwrite of the application's commands in that scope.

import { commands } from '../chat/discord/api/discord-api.js';
import { deliveryError, discordErrorCode } from '../chat/discord/api/discord-failure.js';
import { createDiscordRest } from '../chat/discord/api/rest-client.js';
import { check502Command } from '../chat/discord/command-definition.js';
import { ConfigError, type Env, loadDiscordRegisterConfig } from '../config.js';

export interface RegisterOptions {
  applicationId: string;
  botToken: string;
  apiUrl?: string;
  guildId?: string;
  timeoutMs?: number;
}

export interface RegisterResult {
  scope: 'global' | 'guild';
  commands: number;
}

export async function registerDiscordCommands(options: RegisterOptions): Promise<RegisterResult> {
  const restOptions: Parameters<typeof createDiscordRest>[0] = {
    botToken: options.botToken,
    timeoutMs: options.timeoutMs ?? 15_000,
  };
  if (options.apiUrl !== undefined) restOptions.apiUrl = options.apiUrl;
  const rest = createDiscordRest(restOptions);
  try {
    const stored = await commands(rest).overwrite(
      options.applicationId,
      [check502Command()],
      options.guildId,
    );
    return { scope: options.guildId === undefined ? 'global' : 'guild', commands: stored.length };
  } catch (error) {
    throw registerError(error, options.guildId);
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

export interface CliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** `argv` is what follows `check502 discord` (a leading `register` is expected). Returns the exit code. */
export async function runDiscordRegister(
  argv: string[],
  env: Env,
  streams: CliStreams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const args = argv[0] === 'register' ? argv.slice(1) : argv;
  const parsed = parseArgs(args);
  if ('error' in parsed) {
    streams.stderr.write(`check502 discord register: ${parsed.error}\n`);
    return 2;
  }
  let config: ReturnType<typeof loadDiscordRegisterConfig>;
  try {
    config = loadDiscordRegisterConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    streams.stderr.write(`check502 discord register: ${error.message}\n`);
    return 2;
  }
  const options: RegisterOptions = { applicationId: config.applicationId, botToken: config.botToken };
  if (config.apiUrl !== undefined) options.apiUrl = config.apiUrl;
  if (parsed.guildId !== undefined) options.guildId = parsed.guildId;
  try {
    const result = await registerDiscordCommands(options);
    const where =
      result.scope === 'guild'
        ? `guild ${parsed.guildId}`
        : 'all guilds (global; may take up to an hour to show)';
    streams.stdout.write(`Registered /check502 for ${where}: ${result.commands} command(s) in that scope.\n`);
    return 0;
  } catch (error) {
    streams.stderr.write(
      `check502 discord register: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

function parseArgs(args: string[]): { guildId?: string } | { error: string } {
  const out: { guildId?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--guild') {
      const value = args[++i];
      if (value === undefined || !/^\d{5,25}$/.test(value))
        return { error: '--guild takes a numeric guild (server) id' };
      out.guildId = value;
    } else if (arg?.startsWith('--guild=')) {
      const value = arg.slice('--guild='.length);
      if (!/^\d{5,25}$/.test(value)) return { error: '--guild takes a numeric guild (server) id' };
      out.guildId = value;
    } else {
      return {
        error: `unexpected argument "${(arg ?? '').slice(0, 40)}" (usage: check502 discord register [--guild <id>])`,
      };
    }
  }
  return out;
}

/** Register-specific advice: the common failures are a wrong token or a bot not in the guild. */
function registerError(error: unknown, guildId: string | undefined): Error {
  const status = (error as { status?: unknown }).status;
  if (status === 401)
    return new Error('Discord rejected DISCORD_BOT_TOKEN (401): copy the bot token again from the Bot page');
  if (discordErrorCode(error) === 50001) {
    const where = guildId === undefined ? 'the application' : `guild ${guildId}`;
    return new Error(
      `Discord refused access to ${where} (50001 Missing Access): check DISCORD_APPLICATION_ID, and invite the bot with the "bot" and "applications.commands" scopes`,
    );
  }
  return deliveryError('registering the /check502 command', error);
}
