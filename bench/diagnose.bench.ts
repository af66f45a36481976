// `npm run bench diagnose`: (a) concurrency — with every lab dependency delayed by 200 ms (fake DNS
// per query, fake edge, each origin connection, every Cloudflare API answer), a full diagnosis
// should take at most 1.3× its slowest single dependency chain, not the sum of all of them. Each
// chain is measured alone: one check plus the checks it needs, run through the same engine and the
// same real adapters; the full run goes through createDiagnoser, as the CLI does. (b) cold start —
// wall time of a fresh `node bin/check502.js diagnose <healthy lab site> --json` process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createCloudflareCache } from '../src/cloudflare/cloudflare-cache.js';
import { createCloudflareReader } from '../src/cloudflare/create-cloudflare-reader.js';
import type { DiagnosisConfig } from '../src/config.js';
import { createDiagnoser } from '../src/diagnoser.js';
import type { AnyCheck } from '../src/diagnosis/check.js';
import { ALL_CHECKS } from '../src/diagnosis/checks/index.js';
import { diagnose } from '../src/diagnosis/engine.js';
import type { Ports } from '../src/diagnosis/ports.js';
import { parseSite, type Target } from '../src/diagnosis/target.js';
import { createAddressPolicy } from '../src/probes/address-policy.js';
import { createEdgeProber } from '../src/probes/edge-prober.js';
import { createKeepAliveProber } from '../src/probes/keepalive-prober.js';
import { createOriginProber } from '../src/probes/origin-prober.js';
import { createPublicResolver, resolveAddresses } from '../src/probes/public-resolver.js';
import { startE2eLab } from '../test/e2e/support/lab.js';
import { FAKE_TOKEN } from '../test/fakes/cloudflare-api/scenario.js';
import type { BenchRow } from './run.js';
import { ratioRows } from './support/ratio-rows.js';

const DELAY_MS = 200;
const RUNS = 5;
const TIMEOUT_MS = 10_000;

export default async function bench(): Promise<BenchRow[]> {
  return [...(await concurrency()), ...(await coldStart())];
}

async function concurrency(): Promise<BenchRow[]> {
  const lab = await startE2eLab({ delayMs: DELAY_MS });
  try {
    lab.api.scenario = lab.zone({ type: 'A', content: lab.origins.origins.healthy.address }, 'strict');
    lab.api.scenario.faults = [{ match: /./, delayMs: DELAY_MS }];
    lab.edge.setBehaviour({ kind: 'delay', ms: DELAY_MS, next: lab.proxyTo('healthy', { strict: true }) });
    const config: DiagnosisConfig = {
      dnsServers: [{ host: '127.0.0.1', port: lab.dns.port }],
      allowPrivateNets: ['127.0.0.0/8'],
      cloudflareApiToken: FAKE_TOKEN,
      cloudflareBaseUrl: lab.api.baseUrl,
    };
    const target = siteOf(lab.url);
    const extraCa = [lab.origins.ca, lab.edge.ca];

    // Each chain alone, with fresh adapters (and a cold Cloudflare cache) every run.
    const chains: { name: string; ms: number; times: number[] }[] = [];
    for (const check of ALL_CHECKS) {
      const subset = withNeeds(check);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const ports = portsFor(config, extraCa);
        const started = performance.now();
        const report = await diagnose(target, { timeoutMs: TIMEOUT_MS }, ports, subset);
        times.push(performance.now() - started);
        assertHealthy(report.findings, `${check.name} chain`);
      }
      chains.push({ name: subset.map((c) => c.name).join('→'), ms: median(times), times });
    }
    const slowest = chains.reduce((a, b) => (b.ms > a.ms ? b : a));
    const sum = chains.reduce((total, c) => total + c.ms, 0);

    const fullTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const diagnoser = createDiagnoser(config, { extraCa });
      const started = performance.now();
      const report = await diagnoser.run(target, { timeoutMs: TIMEOUT_MS });
      fullTimes.push(performance.now() - started);
      await diagnoser.close();
      assertHealthy(report.findings, 'full diagnosis');
    }
    return [
      ...chains.map((c) => ({
        bench: 'diagnose',
        metric: `chain alone: ${c.name} (200 ms delays)`,
        value: c.ms,
        unit: 'ms',
        target: '',
      })),
      {
        bench: 'diagnose',
        metric: 'sum of chains (serial; cloudflare counted in each)',
        value: sum,
        unit: 'ms',
        target: '',
      },
      ...ratioRows(
        'diagnose',
        `full diagnosis (200 ms delays, ${RUNS} runs)`,
        fullTimes,
        `its slowest chain alone (${slowest.name})`,
        slowest.times,
        { p50: 1.3 },
      ),
    ];
  } finally {
    await lab.close();
  }
}

async function coldStart(): Promise<BenchRow[]> {
  const lab = await startE2eLab();
  try {
    lab.edge.setBehaviour(lab.proxyTo('healthy', { strict: true }));
    const bin = fileURLToPath(new URL('../bin/check502.js', import.meta.url));
    // One glance (--samples 1): this measures the process's start-up, not the keep-alive idle watch
    // a sampled diagnosis spends on a healthy origin (measured in sampling.bench.ts).
    const args = [
      bin,
      'diagnose',
      lab.url,
      '--json',
      '--samples',
      '1',
      '--origin',
      lab.origins.origins.healthy.address,
    ];
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      CHECK502_DNS_SERVERS: `127.0.0.1:${lab.dns.port}`,
      CHECK502_ALLOW_PRIVATE_NETS: '127.0.0.0/8',
      NODE_EXTRA_CA_CERTS: lab.caFile,
    };
    const times: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // The baseline, interleaved with the runs it is compared with: a process that does nothing.
      const began = performance.now();
      await run(process.execPath, ['-e', '0'], env);
      bare.push(performance.now() - began);
      const started = performance.now();
      const { code, stdout } = await run(process.execPath, args, env);
      times.push(performance.now() - started);
      const report = JSON.parse(stdout) as { verdict: string };
      if (code !== 0 || report.verdict !== 'healthy')
        throw new Error(`cold start run was not healthy: ${stdout}`);
    }
    return ratioRows(
      'diagnose',
      `cold start: fresh CLI process, healthy lab site, --samples 1 (${RUNS} runs)`,
      times,
      'node -e 0, interleaved',
      bare,
    );
  } finally {
    await lab.close();
  }
}

function portsFor(config: DiagnosisConfig, extraCa: string[]): Ports {
  const policy = createAddressPolicy(config.allowPrivateNets);
  const resolver = createPublicResolver(config.dnsServers);
  const resolve = resolveAddresses(resolver);
  return {
    resolver,
    addresses: policy,
    edge: createEdgeProber({ resolve, policy, extraCa }),
    origin: createOriginProber({ resolve, policy, extraCa }),
    keepAlive: createKeepAliveProber({ resolve, policy }),
    cloudflare: createCloudflareReader({
      token: config.cloudflareApiToken!,
      baseUrl: config.cloudflareBaseUrl!,
      cache: createCloudflareCache(),
    }),
    clock: { now: () => new Date() },
  };
}

/** The check and, transitively, every check it needs, in ALL_CHECKS order. */
function withNeeds(check: AnyCheck): AnyCheck[] {
  const wanted = new Set<string>([check.name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of ALL_CHECKS) {
      if (!wanted.has(c.name)) continue;
      for (const need of c.needs ?? []) {
        if (!wanted.has(need)) {
          wanted.add(need);
          grew = true;
        }
      }
    }
  }
  return ALL_CHECKS.filter((c) => wanted.has(c.name));
}

/** A benchmark of a broken run measures nothing: the lab must be diagnosed healthy. */
function assertHealthy(findings: { code: string; severity: string }[], what: string): void {
  const bad = findings.filter((f) => f.severity === 'warn' || f.severity === 'error').map((f) => f.code);
  if (bad.length > 0) throw new Error(`${what} was not healthy: ${bad.join(', ')}`);
}

function siteOf(url: string): Target {
  const parsed = parseSite(url);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.target;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]!);
}

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout });
    });
  });
}
