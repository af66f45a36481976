// check502 command line: `diagnose` runs in-process and loads no chat or queue code; `serve`,
// `worker` and `discord register` import their roles lazily so the diagnose path starts fast.
import { skipWasmTierUp } from './one-shot-process.js';
import { usage, VERSION } from './usage.js';

const [command, ...rest] = process.argv.slice(2);

async function main(): Promise<number> {
  if (command !== 'serve' && command !== 'worker') skipWasmTierUp();
  switch (command) {
    case 'diagnose': {
      const { runDiagnose } = await import('./diagnose.js');
      return runDiagnose(rest, process.env, process.stdout, process.stderr);
    }
    case 'fix': {
      const { runFix } = await import('./fix.js');
      return runFix(rest, process.env, process.stdout, process.stderr);
    }
    case 'timeline': {
      const { runTimeline } = await import('./timeline.js');
      return runTimeline(rest, process.env, process.stdout, process.stderr);
    }
    case 'doctor': {
      const { runDoctor } = await import('./doctor.js');
      return runDoctor(rest, process.env, process.stdout, process.stderr);
    }
    case 'serve':
    case 'worker': {
      const { runRole } = await import('./role.js');
      return runRole(command, rest, process.env);
    }
    case 'discord': {
      const { runDiscord } = await import('./discord.js');
      return runDiscord(rest, process.env);
    }
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage());
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`check502: unknown command "${command.slice(0, 40)}" (try: check502 --help)\n`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`check502: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
