// Static checks of Dockerfile, .dockerignore and docker-compose.yml, for a machine without a Docker
// engine: everything the Dockerfile copies exists and is not ignored, the npm scripts it runs exist,
// the final stage is production-only and non-root, and compose runs the documented commands, port
// and environment names (product.md / src/config.ts) against a persistent, non-evicting Redis.
// Exits 1 with one line per problem. No dependencies: a small YAML reader covers compose's subset.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';

// An optional argument names another checkout (used to test this script on altered copies).
const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
const read = (file) => readFileSync(join(root, file), 'utf8');
const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
};

const pkg = JSON.parse(read('package.json'));
const config = read('src/config.ts');
const knownEnv = new Set(
  [...config.matchAll(/\(env, '([A-Z0-9_]+)'/g), ...config.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]),
);

// ---------- Dockerfile ----------
const instructions = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op.toUpperCase(), args: rest.join(' ') };
  });
const stages = [];
for (const ins of instructions) {
  if (ins.op === 'FROM') {
    const [image, , name] = ins.args.split(/\s+/);
    stages.push({ image, name, lines: [] });
  } else stages.at(-1)?.lines.push(ins);
}
check(stages.length >= 2, 'Dockerfile: expected a multi-stage build (builder + runtime)');
for (const stage of stages) {
  check(
    /^node:(2[24]|2[6-9])[.\d]*-(bookworm|trixie)-slim$/.test(stage.image),
    `Dockerfile: base ${stage.image} is not a current Node LTS slim image`,
  );
}
const ignore = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const ignored = (path) =>
  ignore.some((pattern) => globMatch(pattern, path) || path.startsWith(`${pattern}/`));
const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));
for (const stage of stages) {
  for (const { op, args } of stage.lines) {
    if (op === 'COPY' || op === 'ADD') {
      const parts = args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='));
      const paths = parts.filter((p) => !p.startsWith('--'));
      const sources = paths.slice(0, -1);
      if (from) {
        check(stageNames.has(from.slice(7)), `Dockerfile: COPY ${from} names no stage`);
        continue;
      }
      for (const source of sources) {
        check(existsSync(join(root, source)), `Dockerfile: COPY ${source}: not in the repository`);
        check(!ignored(source), `Dockerfile: COPY ${source}: excluded by .dockerignore`);
      }
    }
    if (op === 'RUN') {
      for (const m of args.matchAll(/npm run ([\w:-]+)/g))
        check(pkg.scripts?.[m[1]], `Dockerfile: npm run ${m[1]}: no such script in package.json`);
    }
  }
}
const build = stages[0];
const runtime = stages.at(-1);
const runs = (stage) =>
  stage.lines
    .filter((l) => l.op === 'RUN')
    .map((l) => l.args)
    .join('\n');
check(
  /npm ci\b/.test(runs(build)) && /npm run build\b/.test(runs(build)),
  'Dockerfile: the build stage must run npm ci and npm run build',
);
check(
  /npm ci\b[^\n&]*--omit=dev/.test(runs(runtime)) && /npm ci\b[^\n&]*--ignore-scripts/.test(runs(runtime)),
  'Dockerfile: the runtime stage must run npm ci --omit=dev --ignore-scripts',
);
check(
  /tsc -p tsconfig.build.json/.test(pkg.scripts?.build ?? '') &&
    /"outDir":\s*"dist"/.test(read('tsconfig.build.json')),
  'Dockerfile: npm run build must compile to dist/',
);
check(
  runtime.lines.some((l) => l.op === 'COPY' && /--from=\S+\s+\S*\/dist\s/.test(`${l.args} `)),
  'Dockerfile: the runtime stage must copy dist/ from the build stage',
);
const last = (op) => runtime.lines.filter((l) => l.op === op).at(-1)?.args ?? '';
check(
  last('USER') === 'node',
  'Dockerfile: the runtime stage must run as USER node (exists in the official image, uid 1000)',
);
check(
  /NODE_ENV=production/.test(
    runtime.lines
      .filter((l) => l.op === 'ENV')
      .map((l) => l.args)
      .join(' '),
  ),
  'Dockerfile: ENV NODE_ENV=production missing',
);
check(last('EXPOSE') === '3000', 'Dockerfile: EXPOSE 3000 (the default PORT) missing');
check(
  /\/healthz/.test(last('HEALTHCHECK')) && /\bnode\b/.test(last('HEALTHCHECK')),
  'Dockerfile: HEALTHCHECK must ask /healthz with node (no curl in slim)',
);
const entrypoint = parseExec(last('ENTRYPOINT'));
check(
  entrypoint?.[0] === 'node' && entrypoint[1] === pkg.bin?.check502,
  `Dockerfile: ENTRYPOINT must be ["node", "${pkg.bin?.check502}"] (exec form)`,
);
check(existsSync(join(root, pkg.bin?.check502 ?? 'missing')), 'package.json bin check502: file missing');
check(JSON.stringify(parseExec(last('CMD'))) === '["serve"]', 'Dockerfile: CMD ["serve"] missing');
check(/dist\/cli\/main\.js/.test(read(pkg.bin.check502)), 'bin/check502.js must load dist/cli/main.js');

// ---------- production dependencies ----------
// The image installs `--omit=dev`: every package src/ imports at run time must be a dependency.
const builtins = new Set(builtinModules);
for (const file of walk(join(root, 'src'))) {
  if (!file.endsWith('.ts')) continue;
  for (const m of readFileSync(file, 'utf8').matchAll(
    /^\s*(?:import|export)\s(?!type\s)[^;]*?from\s+['"]([^'"./][^'"]*)['"]/gms,
  )) {
    const spec = m[1];
    if (spec.startsWith('node:') || builtins.has(spec)) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    check(
      pkg.dependencies?.[name],
      `${file.slice(root.length + 1)}: imports ${name}, which is not in package.json dependencies (the image omits devDependencies)`,
    );
  }
}

// ---------- docker-compose.yml ----------
const compose = parseYaml(read('docker-compose.yml'));
const services = compose.services ?? {};
const redis = services.redis;
const front = services.front;
const worker = services.worker;
check(redis && front && worker, 'compose: services redis, front and worker expected');
if (redis) {
  const cmd = [redis.command].flat().join(' ');
  check(/^redis:7/.test(redis.image ?? ''), 'compose: redis should be Redis 7');
  check(/--appendonly yes/.test(cmd), 'compose: redis needs --appendonly yes (jobs survive a restart)');
  check(
    /--maxmemory-policy noeviction/.test(cmd),
    'compose: redis needs --maxmemory-policy noeviction (BullMQ)',
  );
  check(
    (redis.volumes ?? []).some((v) => /:\/data$/.test(v)),
    'compose: redis needs a volume on /data',
  );
  check(redis.healthcheck?.test, 'compose: redis needs a healthcheck');
}
for (const [name, service] of Object.entries(services)) {
  if (name === 'redis') continue;
  check(
    service.depends_on?.redis?.condition === 'service_healthy',
    `compose: ${name} must depend on redis being healthy`,
  );
  check(
    /^redis:\/\/redis:6379/.test(service.environment?.REDIS_URL ?? ''),
    `compose: ${name} must point REDIS_URL at the redis service`,
  );
  for (const key of Object.keys(service.environment ?? {}))
    check(knownEnv.has(key), `compose: ${name} sets ${key}, which src/config.ts does not read`);
}
if (front) {
  check(
    JSON.stringify(front.command) === '["serve","--no-worker"]',
    'compose: front must run ["serve", "--no-worker"]',
  );
  check(
    (front.ports ?? []).some((p) => String(p).endsWith(':3000')),
    'compose: front must publish port 3000',
  );
  check(
    /\/(readyz|healthz)/.test(JSON.stringify(front.healthcheck?.test ?? '')),
    'compose: front healthcheck must ask /readyz or /healthz',
  );
}
if (worker) {
  check(JSON.stringify(worker.command) === '["worker"]', 'compose: worker must run ["worker"]');
  check(Number(worker.deploy?.replicas) >= 2, 'compose: two workers expected (deploy.replicas: 2)');
}
for (const m of read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)/g))
  check(knownEnv.has(m[1]), `compose: interpolates \${${m[1]}}, unknown to src/config.ts`);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(
  `docker check: Dockerfile (${stages.length} stages), .dockerignore and docker-compose.yml (${Object.keys(services).length} services) consistent`,
);

// ---------- helpers ----------
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function parseExec(args) {
  try {
    return JSON.parse(args);
  } catch {
    return undefined;
  }
}

function globMatch(pattern, path) {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(path);
}

/** Block maps, block sequences (of scalars or maps), flow sequences, quotes, anchors and `<<` merges. */
function parseYaml(text) {
  const anchors = new Map();
  const lines = text
    .split('\n')
    .map((raw) => raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, ''))
    .filter((l) => l.trim() !== '')
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  let i = 0;
  const scalar = (v) => {
    v = v.trim();
    if (v.startsWith('[')) return JSON.parse(v.replace(/'/g, '"'));
    if (/^".*"$/.test(v)) return JSON.parse(v);
    if (/^'.*'$/.test(v)) return v.slice(1, -1);
    if (v.startsWith('*')) return structuredClone(anchors.get(v.slice(1)));
    if (/^-?\d+$/.test(v)) return Number(v);
    if (v === 'true' || v === 'false') return v === 'true';
    return v;
  };
  function block(indent) {
    if (i >= lines.length || lines[i].indent < indent) return null;
    return lines[i].text.startsWith('- ') || lines[i].text === '-'
      ? seq(lines[i].indent)
      : map(lines[i].indent);
  }
  function value(rest, indent) {
    let anchor;
    const m = /^&(\S+)\s*(.*)$/.exec(rest);
    if (m) [, anchor, rest] = m;
    const v = rest === '' ? block(indent + 1) : scalar(rest);
    if (anchor) anchors.set(anchor, v);
    return v;
  }
  function map(indent) {
    const out = {};
    while (i < lines.length && lines[i].indent === indent && !lines[i].text.startsWith('- ')) {
      const m = /^("[^"]*"|[^:]+):(?:\s+(.*))?$/.exec(lines[i].text);
      if (!m) throw new Error(`yaml: cannot read "${lines[i].text}"`);
      i++;
      const key = m[1].replace(/^"|"$/g, '');
      const v = value(m[2] ?? '', indent);
      if (key === '<<') Object.assign(out, v);
      else out[key] = v;
    }
    return out;
  }
  function seq(indent) {
    const out = [];
    while (i < lines.length && lines[i].indent === indent && lines[i].text.startsWith('-')) {
      const rest = lines[i].text.slice(1).trim();
      if (/^[^"'[\s][^:]*:(\s|$)/.test(rest)) {
        // A map item: re-read its first line as a map entry at the item's inner indent.
        lines[i] = { indent: indent + 2, text: rest };
        out.push(map(indent + 2));
      } else {
        i++;
        out.push(value(rest, indent));
      }
    }
    return out;
  }
  return map(0);
}
