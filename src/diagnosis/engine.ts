// Runs the checks as a dependency graph: each starts as soon as the checks it needs have ended,
// so independent checks overlap and a slow one only delays its dependants. Every check has its own
// budget; one that throws or overruns becomes an `errored` check with a finding, never a crash.
import type { AnyCheck, CheckContext, CheckResult, DiagnoseOptions } from './check.js';
import type { FindingCode } from './codes.js';
import type { CheckName, Facts } from './facts.js';
import { type Finding, type FindingInput, finding } from './finding.js';
import type { Ports } from './ports.js';
import type { CheckSummary, Report } from './report.js';
import type { Target } from './target.js';
import { verdictOf } from './verdict.js';

export interface DiagnosisListener {
  /** Called as each check ends, with what it found: adapters post these progressively. */
  onCheck?(summary: CheckSummary, findings: Finding[]): void;
}

const MARGIN_MS = 1500;

export async function diagnose(
  target: Target,
  options: DiagnoseOptions,
  ports: Ports,
  checks: readonly AnyCheck[],
  listener: DiagnosisListener = {},
): Promise<Report> {
  const startedAt = ports.clock.now();
  const started = performance.now();
  const facts: Partial<Facts> = {};
  const done = new Map<CheckName, Promise<void>>();
  const outcomes = new Map<CheckName, { summary: CheckSummary; findings: Finding[] }>();
  // Trailing checks (the keep-alive idle watch) are told when everything else has ended, so the
  // verdict comes as soon as the other checks allow, not when an idle timer runs out.
  const othersDone = new AbortController();

  const schedule = (check: AnyCheck): Promise<void> => {
    const existing = done.get(check.name);
    if (existing) return existing;
    const promise = (async () => {
      const deps = (check.needs ?? []).flatMap((name) => {
        const dep = checks.find((c) => c.name === name);
        return dep ? [schedule(dep)] : [];
      });
      await Promise.all(deps);
      const base = { target, options, ports, facts: { ...facts } };
      const outcome = await runOne(check, check.trailing ? { ...base, othersDone: othersDone.signal } : base);
      if (outcome.facts !== undefined) (facts as Record<string, unknown>)[check.name] = outcome.facts;
      outcomes.set(check.name, outcome);
      safely(() => listener.onCheck?.(outcome.summary, outcome.findings));
    })();
    done.set(check.name, promise);
    return promise;
  };
  const all = checks.map(schedule);
  // The correlation rules (about 20 modules) are needed only once the checks are done: they load
  // while the probes wait on the network, not before the first probe may start (CLI cold start).
  const correlation = import('./correlate.js');
  await Promise.all(checks.filter((c) => !c.trailing).map(schedule));
  othersDone.abort();
  await Promise.all(all);

  const summaries = checks.map((c) => outcomes.get(c.name)?.summary).filter((s) => s !== undefined);
  const observed = checks.flatMap((c) => outcomes.get(c.name)?.findings ?? []);
  const { correlate } = await correlation;
  const { findings, primaryCause } = correlate(
    { target, facts, findings: observed, checks: summaries },
    undefined,
    ports.clock.now(),
  );
  return {
    site: target.host,
    url: target.url,
    verdict: verdictOf(findings, summaries),
    primaryCause,
    findings,
    checks: summaries.map((summary) => ({
      ...summary,
      codes: codesOf(outcomes.get(summary.name as CheckName)?.findings),
    })),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    cloudflareApiCalls: ports.cloudflare?.callCount ?? 0,
  };
}

interface Outcome {
  summary: CheckSummary;
  findings: Finding[];
  facts?: unknown;
}

async function runOne(check: AnyCheck, base: Omit<CheckContext, 'signal'>): Promise<Outcome> {
  const budget = check.budgetMs?.(base.options) ?? base.options.timeoutMs + MARGIN_MS;
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<'overrun'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`check ${check.name} exceeded its ${budget} ms budget`));
      resolve('overrun');
    }, budget);
  });
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const run = (check.run as (ctx: CheckContext) => Promise<CheckResult<unknown>>)({
      ...base,
      signal: controller.signal,
    });
    const result = await Promise.race([run, overrun]);
    if (result === 'overrun') {
      run.catch(() => {}); // the check may still reject after being aborted
      return errored(check.name, elapsed(), {
        code: 'check.timed_out',
        title: `The ${check.name} check ran out of time`,
        detail: `It did not finish within its ${budget} ms budget; its results are missing from this report.`,
        evidence: { check: check.name, budgetMs: budget },
      });
    }
    const out: Outcome = {
      summary: { name: check.name, status: result.status, durationMs: elapsed() },
      findings: result.findings,
    };
    if (result.facts !== undefined) out.facts = result.facts;
    return out;
  } catch (error) {
    return errored(check.name, elapsed(), {
      code: 'check.errored',
      title: `The ${check.name} check could not complete`,
      detail: `It failed with: ${describe(error)}. Its results are missing from this report.`,
      evidence: { check: check.name, error: describe(error) },
    });
  } finally {
    clearTimeout(timer);
  }
}

function errored(
  name: CheckName,
  durationMs: number,
  input: Omit<FindingInput<'check.errored'>, 'severity'> | Omit<FindingInput<'check.timed_out'>, 'severity'>,
): Outcome {
  return {
    summary: { name, status: 'errored', durationMs },
    findings: [finding({ ...input, severity: 'warn' })],
  };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A listener's failure (e.g. a chat post) must not break the diagnosis; adapters log their own.
  }
}

function codesOf(findings: readonly Finding[] = []): FindingCode[] {
  return [...new Set(findings.map((f) => f.code))];
}
