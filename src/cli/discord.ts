// `check502 discord register [--guild <id>]`: registers the /check502 command with Discord.
import type { Env } from '../config.js';

export async function runDiscord(argv: string[], env: Env): Promise<number> {
  if (argv[0] !== 'register') {
    process.stderr.write(
      `check502: unknown discord subcommand "${(argv[0] ?? '').slice(0, 40)}" (try: check502 discord register [--guild <id>])\n`,
    );
    return 2;
  }
  const { runDiscordRegister } = await import('./discord-register.js');
  return runDiscordRegister(argv, env);
}
