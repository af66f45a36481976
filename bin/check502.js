#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('check502: not built yet; run `npm ci` (or `npm run build`) in the project folder\n');
  process.exit(2);
}
await import(entry.href);
