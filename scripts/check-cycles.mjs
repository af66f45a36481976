// Architecture check run by `npm run lint`: no import cycles in src/ (type-only imports count too:
// a type cycle is still two files that cannot be understood one without the other), and the core (src/diagnosis)
// imports nothing outside itself and no I/O module, so it stays testable without sockets; chat/ does
// not import jobs/, and http/ knows only routes. Evidence is read typed: no `evidence['key']`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', 'src');
const FEATURES = [
  'chat',
  'jobs',
  'incidents',
  'metrics',
  'roles',
  'diagnosis',
  'cloudflare',
  'probes',
  'cli',
];
const IO_MODULES = /^(node:)?(net|tls|dns|http|https|http2|fs|fs\/promises|child_process|dgram|cluster)$/;

const files = walk(root).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const graph = new Map();
const problems = [];
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const deps = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gms)) {
    const spec = match[1];
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      deps.push(target);
      if (inCore(file) && !inCore(target))
        problems.push(`${rel(file)}: the core imports ${spec} from outside src/diagnosis`);
      // The chat side talks to the queue through its own DiagnosisRequester port, never jobs/ itself.
      if (inside(file, 'chat') && inside(target, 'jobs'))
        problems.push(`${rel(file)}: chat/ imports ${spec} from jobs/ (use chat/front/diagnosis-request.ts)`);
      // The HTTP server knows routes only; what is mounted (and every feature) is decided in roles/.
      if (inside(file, 'http') && FEATURES.some((folder) => inside(target, folder)))
        problems.push(`${rel(file)}: http/ imports ${spec}; it should know only routes`);
    } else if (inCore(file) && IO_MODULES.test(spec)) {
      problems.push(`${rel(file)}: the core imports the I/O module ${spec}`);
    }
  }
  graph.set(file, deps);
  // Evidence is typed per finding code (src/diagnosis/evidence.ts). `f.evidence['key']` compiles
  // whatever the key, so a renamed key would quietly weaken what reads it: use hasCode(f, code) or
  // anyEvidence(f) and read the field.
  for (const m of source.matchAll(/\bevidence(\?\.)?\[['"`]/g)) {
    const line = source.slice(0, m.index).split('\n').length;
    problems.push(
      `${rel(file)}:${line}: evidence read by a string key (use hasCode(f, code) or anyEvidence(f))`,
    );
  }
}

const state = new Map();
const stack = [];
function visit(node) {
  state.set(node, 'open');
  stack.push(node);
  for (const next of graph.get(node) ?? []) {
    if (state.get(next) === 'open') {
      problems.push(`import cycle: ${stack.slice(stack.indexOf(next)).concat(next).map(rel).join(' -> ')}`);
    } else if (!state.has(next) && graph.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`architecture check: ${files.length} files, no cycles, core free of I/O, evidence read typed`);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
function inCore(file) {
  return inside(file, 'diagnosis');
}
function inside(file, folder) {
  return file.startsWith(join(root, folder) + '/');
}
function rel(file) {
  return relative(resolve(root, '..'), file);
}
