// `check502 discord register [--guild <id>]`.
import type { Env } from '../config.js';

export async function runDiscord(argv: string[], env: Env): Promise<number> {
  void env;
  process.stderr.write(
    `check502: unknown discord subcommand "${argv[0] ?? ''}" (try: check502 discord register)\n`,
  );
  return 2;
}
