// The doctor's table for a terminal: one line per row (status, item, detail), and under each gap
// what it disables and the fix. Plain text; the JSON form is the DoctorReport itself.
import type { DoctorReport, RowStatus } from './doctor-row.js';

const MARK: Record<RowStatus, string> = {
  ok: 'ok     ',
  failed: 'FAILED ',
  warning: 'WARN   ',
  missing: 'unset  ',
  limited: 'limited',
  skipped: 'skipped',
};

export function renderDoctor(report: DoctorReport): string {
  const width = Math.min(48, Math.max(...report.rows.map((r) => r.item.length), 10));
  const lines = [`${'STATUS'.padEnd(7)}  ${'AREA'.padEnd(13)}  ${'WHAT'.padEnd(width)}  DETAIL`];
  for (const row of report.rows) {
    lines.push(`${MARK[row.status]}  ${row.area.padEnd(13)}  ${row.item.padEnd(width)}  ${row.detail}`);
    const indent = ' '.repeat(7 + 2 + 13 + 2 + width + 2);
    if (row.status !== 'ok' && row.disables) lines.push(`${indent}disables: ${row.disables}`);
    if (row.status !== 'ok' && row.fix) lines.push(`${indent}fix: ${row.fix}`);
  }
  const failed = report.rows.filter((r) => r.status === 'failed').length;
  const warned = report.rows.filter((r) => r.status === 'warning').length;
  lines.push(
    '',
    report.ok
      ? `Everything the configuration turns on works.${warned ? ` ${warned} optional permission${warned === 1 ? ' is' : 's are'} missing: see "disables" above.` : ''}`
      : `${failed} thing${failed === 1 ? '' : 's'} configured do${failed === 1 ? 'es' : ''} not work: see "fix" above.`,
  );
  return `${lines.join('\n')}\n`;
}
