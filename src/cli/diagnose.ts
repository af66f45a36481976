// `check502 diagnose <site>`: parse, configure, run one diagnosis in-process, print it.
// Exit 0 when no finding is an error, 1 when one is, 2 when it could not run.
import { parseArgs } from 'node:util';
import { ConfigError, type Env, loadDiagnosisConfig } from '../config.js';
import { createDiagnoser } from '../diagnoser.js';
import { MAX_SAMPLES } from '../diagnosis/checks/origin-samples/schedule.js';
import type { Report } from '../diagnosis/report.js';
import { parseSite } from '../diagnosis/target.js';
import { createProgress } from './progress.js';
import { styleFor } from './style.js';

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

const MAX_TIMEOUT_S = 300;

export async function runDiagnose(argv: string[], env: Env, stdout: Output, stderr: Output): Promise<number> {
  const fail = (reason: string) => {
    stderr.write(`check502: ${reason}\n`);
    return 2;
  };

  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0)
    return fail('diagnose needs a site, e.g. `check502 diagnose shop.example.com`');
  if (positionals.length > 1) return fail(`diagnose takes one site, got ${positionals.length}`);

  const site = parseSite(positionals[0] ?? '');
  if (!site.ok) return fail(site.reason);

  const timeoutS = values.timeout === undefined ? 10 : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > MAX_TIMEOUT_S) {
    return fail(`--timeout must be a number of seconds between 0 and ${MAX_TIMEOUT_S}`);
  }
  const origin = values.origin?.trim();
  if (origin !== undefined && !/^[A-Za-z0-9.:[\]_-]{1,255}$/.test(origin)) {
    return fail('--origin must be an IP address or a hostname');
  }

  const samples = values.samples === undefined ? undefined : Number(values.samples);
  if (samples !== undefined && (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES)) {
    return fail(`--samples must be a whole number from 1 to ${MAX_SAMPLES}`);
  }

  // The watch (and below, the human renderer) is imported only on the paths that use it: a cold
  // `diagnose --json` loads neither.
  const watchMs =
    values.watch === undefined
      ? undefined
      : (await import('../watch/watch-state.js')).parseDuration(values.watch);
  if (values.watch !== undefined && watchMs === undefined) {
    return fail('--watch takes a duration such as 30m, 2h or 90s (at most 24h)');
  }

  let config: ReturnType<typeof loadDiagnosisConfig>;
  try {
    config = loadDiagnosisConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }

  const style = styleFor(stdout, env);
  const progress = values.json ? undefined : createProgress(stderr, env);
  const diagnoser = createDiagnoser(config);
  const runOnce = () =>
    diagnoser.run(
      site.target,
      {
        timeoutMs: Math.round(timeoutS * 1000),
        ...(origin ? { origin } : {}),
        ...(samples !== undefined ? { samples } : {}),
      },
      {
        onCheck(summary) {
          progress?.checkDone(summary.name);
        },
      },
    );
  // Started before the run, so the report view's modules load while the probes wait on the network.
  const rendering = values.json ? undefined : import('./render-human.js').then((m) => m.renderHuman);
  const printer = async () => {
    const render = await rendering;
    return (report: Report) => {
      progress?.clear();
      stdout.write(render ? render(report, style) : `${JSON.stringify(report, null, 2)}\n`);
    };
  };
  try {
    if (watchMs !== undefined) {
      const [{ runWatchLoop }, print] = await Promise.all([import('./watch-loop.js'), printer()]);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      try {
        const state = await runWatchLoop({
          site: site.target.host,
          durationMs: watchMs,
          run: runOnce,
          // --json: one report per run, one JSON document a line; otherwise the first in full, then changes.
          printFirst: values.json ? () => {} : print,
          print: values.json ? () => {} : (line) => stdout.write(`${line}\n`),
          signal: stop.signal,
          ...(values.json
            ? {
                run: async () => {
                  const report = await runOnce();
                  stdout.write(`${JSON.stringify(report)}\n`);
                  return report;
                },
              }
            : {}),
        });
        return state.outcome === 'recovered' || state.outcome === 'healthy' ? 0 : 1;
      } finally {
        process.removeListener('SIGINT', onSignal);
      }
    }
    const report = await runOnce();
    (await printer())(report);
    return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
  } finally {
    progress?.clear();
    await diagnoser.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      origin: { type: 'string' },
      samples: { type: 'string' },
      watch: { type: 'string' },
    },
  });
}
