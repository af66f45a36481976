// One view of a report for every renderer (Block Kit, Discord embeds, the terminal): the primary
// cause with what it explains folded under it, the likely trigger, what else was found, one line
// per check, and the counts. The renderers only style this; what a person needs is decided here.
import type { FindingCode } from '../diagnosis/codes.js';
import { explains } from '../diagnosis/correlation/symptoms.js';
import { type Finding, type Severity, severityRank } from '../diagnosis/finding.js';
import { likelyTrigger } from '../diagnosis/likely-trigger.js';
import type { CheckStatus, CheckSummary, Report, Verdict } from '../diagnosis/report.js';
import { checkLine } from './check-line.js';
import { factsInWords } from './fact-words.js';
import { CHECK_STATUS_LABEL, checkTitle, formatMs, VERDICT_LABEL } from './labels.js';
import { type Audience, forAudience } from './origin-addresses.js';

export interface FindingView {
  code: FindingCode;
  severity: Severity;
  title: string;
  detail: string;
  /** Three to five facts in words. */
  facts: string[];
  steps: string[];
}

export interface CheckView {
  name: string;
  /** "Cloudflare API". */
  label: string;
  status: CheckStatus;
  /** "passed", "found a problem", "skipped", "could not complete". */
  statusWords: string;
  durationMs: number;
  /** The worst severity among its findings ('ok' when it found nothing). */
  worst: Severity;
  /** For a check without problems: "zone active, record proxied, SSL Full (strict)". */
  line: string;
  /** Its warn and error findings. */
  problems: FindingView[];
}

export interface ReportView {
  site: string;
  url: string;
  verdict: Verdict;
  /** "shop.example.com is failing". */
  headline: string;
  primary?: FindingView;
  /** Findings the primary cause explains (the edge's 521 under a refusing origin), folded under it. */
  explained: FindingView[];
  trigger?: FindingView;
  alsoFound: FindingView[];
  /** Said instead of a cause when there is none. */
  noCause?: string;
  checks: CheckView[];
  counts: Record<Severity, number>;
  /** "2 error · 1 info · 4 ok". */
  countsLine: string;
  /** "4 checks in 0.9 s · 7 Cloudflare API calls". */
  footer: string;
}

export function findingView(f: Finding): FindingView {
  return {
    code: f.code,
    severity: f.severity,
    title: f.title,
    detail: f.detail,
    facts: factsInWords(f),
    steps: f.remediation,
  };
}

/** `findings` of one check as the thread shows it when the check ends, for `audience`. */
export function checkView(check: CheckSummary, findings: readonly Finding[], audience: Audience): CheckView {
  return forAudience(checkViewOf(check, findings), audience);
}

function checkViewOf(check: CheckSummary, findings: readonly Finding[]): CheckView {
  const worst = findings.reduce<Severity>(
    (w, f) => (severityRank(f.severity) > severityRank(w) ? f.severity : w),
    'ok',
  );
  const problems = findings.filter(isProblem);
  return {
    name: check.name,
    label: checkTitle(check.name),
    status: check.status,
    statusWords: CHECK_STATUS_LABEL[check.status],
    durationMs: check.durationMs,
    worst,
    line: checkLine(findings.filter((f) => !isProblem(f))),
    problems: problems.map(findingView),
  };
}

/** The report as `audience` sees it (origin addresses hidden from a shared channel). */
export function reportView(report: Report, audience: Audience): ReportView {
  return forAudience(reportViewOf(report), audience);
}

function reportViewOf(report: Report): ReportView {
  const primaryFinding = report.primaryCause
    ? report.findings.find((f) => f.code === report.primaryCause && f.severity !== 'ok')
    : undefined;
  const trigger = likelyTrigger(report);
  const problems = report.findings.filter((f) => isProblem(f) && f !== primaryFinding && f !== trigger);
  const explained = primaryFinding ? problems.filter((f) => explains(primaryFinding.code, f.code)) : [];
  const counts: Record<Severity, number> = { error: 0, warn: 0, info: 0, ok: 0 };
  for (const f of report.findings) counts[f.severity]++;
  const view: ReportView = {
    site: report.site,
    url: report.url,
    verdict: report.verdict,
    headline: `${report.site} is ${VERDICT_LABEL[report.verdict]}`,
    explained: explained.map(findingView),
    alsoFound: problems.filter((f) => !explained.includes(f)).map(findingView),
    checks: report.checks.map((c) => checkViewOf(c, findingsOf(report, c))),
    counts,
    countsLine: (['error', 'warn', 'info', 'ok'] as const)
      .filter((s) => counts[s] > 0)
      .map((s) => `${counts[s]} ${s}`)
      .join(' · '),
    footer: `${report.checks.length} checks in ${formatMs(report.durationMs)} · ${report.cloudflareApiCalls} Cloudflare API calls`,
  };
  if (primaryFinding) view.primary = findingView(primaryFinding);
  else view.noCause = noCause(report.verdict);
  if (trigger) view.trigger = findingView(trigger);
  return view;
}

function findingsOf(report: Report, check: CheckSummary): Finding[] {
  const codes = new Set(check.codes ?? []);
  return report.findings.filter((f) => codes.has(f.code));
}

function noCause(verdict: Verdict): string {
  if (verdict === 'healthy') return 'No problem found: every check that ran looks fine.';
  if (verdict === 'unknown') return 'Nothing could be checked; the checks below say why.';
  return 'No single root cause stands out; see what was found below.';
}

function isProblem(f: Finding): boolean {
  return f.severity === 'error' || f.severity === 'warn';
}
