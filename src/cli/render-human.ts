// Human output of `check502 diagnose`: one line per check with a symbol for its worst finding,
// its findings beneath, then the verdict with the primary cause and its remediation highlighted.
import { type Finding, type Severity, severityRank } from '../diagnosis/finding.js';
import { likelyTrigger } from '../diagnosis/likely-trigger.js';
import type { Report } from '../diagnosis/report.js';
import type { Style } from './style.js';

const SYMBOL: Record<Severity, string> = { ok: '✔', info: 'ℹ', warn: '⚠', error: '✖' };

export function renderHuman(report: Report, checkOf: ReadonlyMap<string, string>, style: Style): string {
  const paint = (severity: Severity, text: string) =>
    severity === 'error'
      ? style.red(text)
      : severity === 'warn'
        ? style.yellow(text)
        : severity === 'ok'
          ? style.green(text)
          : text;
  const lines: string[] = [`${style.bold('check502')} ${report.site}  ${style.dim(report.url)}`, ''];

  const groups = new Map<string, Finding[]>(report.checks.map((c) => [c.name, []]));
  for (const f of report.findings) {
    const name = checkOf.get(f.code) ?? 'correlation';
    groups.set(name, [...(groups.get(name) ?? []), f]);
  }
  const width = Math.max(...[...groups.keys()].map((n) => n.length));
  for (const [name, findings] of groups) {
    const check = report.checks.find((c) => c.name === name);
    const worst = worstOf(findings);
    const meta = check ? `${check.status}, ${check.durationMs} ms` : 'derived';
    // A check that found nothing to say gets a neutral mark, not a reassuring tick.
    const mark = findings.length > 0 ? paint(worst, SYMBOL[worst]) : style.dim('-');
    lines.push(`${mark} ${style.bold(name.padEnd(width))}  ${style.dim(meta)}`);
    for (const f of findings) {
      lines.push(`    ${paint(f.severity, SYMBOL[f.severity])} ${f.title}  ${style.dim(f.code)}`);
    }
  }

  lines.push('');
  const verdict = report.verdict.toUpperCase();
  const painted =
    report.verdict === 'failing'
      ? style.red(verdict)
      : report.verdict === 'degraded'
        ? style.yellow(verdict)
        : report.verdict === 'healthy'
          ? style.green(verdict)
          : verdict;
  const primary = report.findings.find((f) => f.code === report.primaryCause && f.severity !== 'ok');
  lines.push(`${style.bold(painted)}${primary ? `  primary cause: ${style.bold(primary.code)}` : ''}`);
  if (primary) {
    lines.push(`  ${style.bold(primary.title)}`, ...wrapText(primary.detail, 4));
    lines.push(...steps('What to do', primary.remediation, style));
  }
  const trigger = likelyTrigger(report);
  if (trigger) {
    lines.push(`  ${style.bold('Likely trigger:')} ${trigger.title}`, ...wrapText(trigger.detail, 4));
    lines.push(...steps('Roll it back', trigger.remediation, style));
  }

  const others = report.findings.filter(
    (f) =>
      f !== primary &&
      f !== trigger &&
      (f.severity === 'error' || f.severity === 'warn') &&
      f.remediation.length > 0,
  );
  if (others.length > 0) {
    lines.push('', style.bold('Also found:'));
    for (const f of others) {
      lines.push(`  ${paint(f.severity, SYMBOL[f.severity])} ${f.title}  ${style.dim(f.code)}`);
      lines.push(...f.remediation.map((s, i) => `      ${i + 1}. ${s}`));
    }
  }

  const ray = report.findings.map((f) => f.evidence['rayId']).find((r) => typeof r === 'string');
  const tail = [`${report.durationMs} ms`, `${report.cloudflareApiCalls} Cloudflare API calls`];
  if (ray) tail.unshift(`Ray ID ${ray}`);
  lines.push('', style.dim(tail.join(' · ')), '');
  return lines.join('\n');
}

function steps(heading: string, items: readonly string[], style: Style): string[] {
  if (items.length === 0) return [];
  return [`  ${style.bold(`${heading}:`)}`, ...items.map((s, i) => `    ${i + 1}. ${s}`)];
}

function worstOf(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>(
    (w, f) => (severityRank(f.severity) > severityRank(w) ? f.severity : w),
    'ok',
  );
}

function wrapText(text: string, indent: number, width = 100): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width - indent) {
      out.push(' '.repeat(indent) + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(' '.repeat(indent) + line);
  return out;
}
