// `check502 serve [--no-worker]` and `check502 worker`: start a long-running role.
// Filled in when the roles land (src/roles); kept separate so `diagnose` never loads them.
import type { Env } from '../config.js';

export async function runRole(role: 'serve' | 'worker', argv: string[], env: Env): Promise<number> {
  void argv;
  void env;
  process.stderr.write(`check502: the ${role} role is not available in this build yet\n`);
  return 2;
}
