// `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument) and
// prints one table. Each bench file exports `default async (): Promise<BenchRow[]>`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "< 100"; empty when informative only. */
  target: string;
  pass?: boolean;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const rows: BenchRow[] = [];
let failed = false;
for (const file of files) {
  process.stderr.write(`running ${file}…\n`);
  try {
    const mod = (await import(new URL(file, import.meta.url).href)) as { default: () => Promise<BenchRow[]> };
    rows.push(...(await mod.default()));
  } catch (error) {
    failed = true;
    process.stderr.write(`${file} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
}

const table = [
  ['bench', 'metric', 'value', 'unit', 'target', 'ok'],
  ...rows.map((r) => [
    r.bench,
    r.metric,
    Number.isInteger(r.value) ? String(r.value) : r.value.toFixed(1),
    r.unit,
    r.target,
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  ]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
for (const [i, row] of table.entries()) {
  console.log(
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
if (failed || rows.some((r) => r.pass === false)) process.exitCode = 1;
