// `check502 fix <site> <action> [--yes]`: diagnose, pick the fix the evidence supports, print its
// preview (exactly what changes, from → to, and what it gives up); only with --yes apply it through
// the guarded fix service (once, audited in Redis, Undo for an hour), then re-check the site.
// `check502 fix <site> undo <fix-id> --yes` puts an applied fix back within the hour.
// Exit: 0 applied / previewed / undone, 1 the fix did not happen, 2 could not run.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, type Env, type FixCliConfig, loadFixCliConfig } from '../config.js';
import { createDiagnoser } from '../diagnoser.js';
import type { Report } from '../diagnosis/report.js';
import { parseSite, type Target } from '../diagnosis/target.js';
import { FIX_ACTIONS, isFixAction, previewText } from '../fixes/fix-plan.js';
import type { FixOutcome, FixService } from '../fixes/fix-service.js';
import { planFixes } from '../fixes/plan-fixes.js';
import { createProgress } from './progress.js';

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export async function runFix(argv: string[], env: Env, stdout: Output, stderr: Output): Promise<number> {
  const fail = (reason: string) => {
    stderr.write(`check502: ${reason}\n`);
    return 2;
  };
  let values: { yes?: boolean; timeout?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { yes: { type: 'boolean', default: false }, timeout: { type: 'string' } },
    }));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const [siteArg, action, fixId] = positionals;
  if (!siteArg || !action) return fail(`fix needs a site and an action (${FIX_ACTIONS.join(', ')}, undo)`);
  if (action !== 'undo' && !isFixAction(action))
    return fail(`unknown fix "${action.slice(0, 30)}": one of ${FIX_ACTIONS.join(', ')}, undo`);
  if (action === 'undo' && !fixId) return fail('undo needs the fix id the fix printed');
  const site = parseSite(siteArg);
  if (!site.ok) return fail(site.reason);
  const timeoutS = values.timeout === undefined ? 10 : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 300)
    return fail('--timeout must be a number of seconds between 0 and 300');

  let config: FixCliConfig;
  try {
    config = loadFixCliConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  // Nothing is read, planned or written without the fix token.
  if (!config.cloudflareFixToken) {
    return fail(
      'fixes are disabled: set CLOUDFLARE_FIX_TOKEN (a separate token with the write permissions; see docs/changes-and-fixes.md)',
    );
  }
  if (!config.cloudflareApiToken) return fail('fixes need CLOUDFLARE_API_TOKEN to read the evidence first');
  const actor = { platform: 'cli' as const, user: localUser() };
  const diagnose = (target: Target) => diagnoseOnce(config, target, Math.round(timeoutS * 1000), stderr, env);

  if (action === 'undo') {
    if (!values.yes) {
      stdout.write(`Undo of fix ${fixId} would put its change back. Nothing changed: re-run with --yes.\n`);
      return 0;
    }
    return withService(config, fail, async (service) => {
      const outcome = await service.undo(fixId ?? '', actor, `cli-undo-${fixId}-${Date.now()}`);
      stdout.write(`${outcome.message}\n`);
      if (outcome.status === 'undone') await recheck(site.target, diagnose, stdout);
      return outcome.status === 'undone' ? 0 : 1;
    });
  }

  const report = await diagnose(site.target);
  const plans = planFixes(report);
  const plan = plans.find((p) => p.action === action);
  if (!plan) {
    const offered = plans.map((p) => p.action).join(', ');
    return fail(
      `the evidence does not support "${action}" for ${report.site} (${report.verdict}${report.primaryCause ? `, ${report.primaryCause}` : ''}); ${offered ? `available: ${offered}` : 'no fix is available'}`,
    );
  }
  stdout.write(`${plan.title}\n${previewText(plan)}\n`);
  if (!values.yes) {
    stdout.write(
      `Nothing changed. Re-run with --yes to apply: check502 fix ${report.site} ${action} --yes\n`,
    );
    return 0;
  }
  return withService(config, fail, async (service) => {
    const outcome: FixOutcome = await service.apply({
      plan,
      actor,
      requestId: `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      scope: 'cli',
    });
    stdout.write(`${outcome.message}\n`);
    if (outcome.status !== 'applied' && outcome.status !== 'already_in_place') return 1;
    if (outcome.undoUntil) {
      stdout.write(
        `Undo until ${outcome.undoUntil}: check502 fix ${report.site} undo ${outcome.fixId} --yes\n`,
      );
    }
    await recheck(site.target, diagnose, stdout);
    return 0;
  });
}

async function recheck(target: Target, diagnose: (t: Target) => Promise<Report>, stdout: Output) {
  const after = await diagnose(target);
  stdout.write(
    `Re-check: ${after.site} is ${after.verdict}${after.primaryCause ? ` (${after.primaryCause})` : ''}.\n`,
  );
}

async function diagnoseOnce(
  config: FixCliConfig,
  target: Target,
  timeoutMs: number,
  stderr: Output,
  env: Env,
): Promise<Report> {
  const progress = createProgress(stderr, env);
  const diagnoser = createDiagnoser(config);
  try {
    return await diagnoser.run(target, { timeoutMs }, { onCheck: (s) => progress?.checkDone(s.name) });
  } finally {
    progress?.clear();
    await diagnoser.close();
  }
}

/** Fixes are applied only with Redis: without the once-key and the audit trail there is no fix. */
async function withService(
  config: FixCliConfig,
  fail: (reason: string) => number,
  run: (service: FixService) => Promise<number>,
): Promise<number> {
  const [{ createFrontRedis, waitUntilReady, closeRedis }, { createGuardedFixes }, { redisTarget }] =
    await Promise.all([
      import('../jobs/redis-clients.js'),
      import('../fixes/create-guarded-fixes.js'),
      import('../jobs/redis-target.js'),
    ]);
  const redis = createFrontRedis(redisTarget(config));
  redis.on('error', () => {});
  try {
    if (!(await waitUntilReady(redis, 3000))) {
      return fail('the fix audit trail needs Redis (REDIS_URL), which did not answer; nothing was changed');
    }
    return await run(createGuardedFixes(config, redis, config.queuePrefix));
  } finally {
    await closeRedis(redis);
  }
}

function localUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
