// Human output of `check502 diagnose`, styled from the one report view (src/present) so the
// terminal reads like the chat thread: one line per check (its problems beneath it), then the
// verdict with the primary cause, what it explains, what to do, and what else was found.
import { anyEvidence } from '../diagnosis/evidence.js';
import type { Severity } from '../diagnosis/finding.js';
import type { Report } from '../diagnosis/report.js';
import { type CheckView, type FindingView, reportView } from '../present/report-view.js';
import type { Style } from './style.js';

const SYMBOL: Record<Severity, string> = { ok: '✔', info: 'ℹ', warn: '⚠', error: '✖' };

export function renderHuman(report: Report, style: Style): string {
  // The terminal is the person who ran it: every address is theirs to see.
  const view = reportView(report, 'private');
  const paint = (severity: Severity, text: string) =>
    severity === 'error'
      ? style.red(text)
      : severity === 'warn'
        ? style.yellow(text)
        : severity === 'ok'
          ? style.green(text)
          : text;
  const lines: string[] = [`${style.bold('check502')} ${report.site}  ${style.dim(report.url)}`, ''];
  const width = Math.max(0, ...view.checks.map((c) => c.label.length));
  for (const check of view.checks) {
    lines.push(checkLine(check, width, style, paint));
    for (const f of check.problems) lines.push(...findingLines(f, 4, style, paint));
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
  const primary = view.primary;
  lines.push(`${style.bold(painted)}${primary ? `  primary cause: ${style.bold(primary.code)}` : ''}`);
  if (primary) {
    lines.push(`  ${style.bold(primary.title)}`, ...wrapText(primary.detail, 4));
    if (primary.facts.length > 0) lines.push(`    ${style.dim(primary.facts.join(' · '))}`);
    if (view.explained.length > 0) {
      lines.push(
        `  ${style.bold('Explains:')} ${view.explained.map((f) => `${f.title} (${f.code})`).join('; ')}`,
      );
    }
    lines.push(...steps('What to do', primary.steps, style));
  } else if (view.noCause) {
    lines.push(`  ${view.noCause}`);
  }
  if (view.trigger) {
    lines.push(
      `  ${style.bold('Likely trigger:')} ${view.trigger.title}`,
      ...wrapText(view.trigger.detail, 4),
    );
    lines.push(...steps('Roll it back', view.trigger.steps, style));
  }
  const others = view.alsoFound.filter((f) => f.steps.length > 0);
  if (others.length > 0) {
    lines.push('', style.bold('Also found:'));
    for (const f of others) {
      lines.push(`  ${paint(f.severity, SYMBOL[f.severity])} ${f.title}  ${style.dim(f.code)}`);
      lines.push(...f.steps.map((s, i) => `      ${i + 1}. ${s}`));
    }
  }

  const ray = report.findings.map((f) => anyEvidence(f).rayId).find((r) => typeof r === 'string');
  const tail = [
    view.countsLine,
    `${report.durationMs} ms`,
    `${report.cloudflareApiCalls} Cloudflare API calls`,
  ];
  if (ray) tail.unshift(`Ray ID ${ray}`);
  lines.push('', style.dim(tail.join(' · ')), '');
  return lines.join('\n');
}

type Paint = (severity: Severity, text: string) => string;

function checkLine(check: CheckView, width: number, style: Style, paint: Paint): string {
  const mark =
    check.status === 'skipped'
      ? style.dim('-')
      : paint(check.worst, SYMBOL[check.worst === 'info' ? 'ok' : check.worst]);
  const words = check.problems.length > 0 || check.line === '' ? check.statusWords : check.line;
  return `${mark} ${style.bold(check.label.padEnd(width))}  ${words}  ${style.dim(`${check.durationMs} ms`)}`;
}

function findingLines(f: FindingView, indent: number, style: Style, paint: Paint): string[] {
  const pad = ' '.repeat(indent);
  const lines = [`${pad}${paint(f.severity, SYMBOL[f.severity])} ${f.title}  ${style.dim(f.code)}`];
  if (f.facts.length > 0) lines.push(`${pad}  ${style.dim(f.facts.join(' · '))}`);
  return lines;
}

function steps(heading: string, items: readonly string[], style: Style): string[] {
  if (items.length === 0) return [];
  return [`  ${style.bold(`${heading}:`)}`, ...items.map((s, i) => `    ${i + 1}. ${s}`)];
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
