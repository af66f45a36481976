// The set-up of the origin*.test.ts files: one origin lab (test/fakes/origin-lab.ts) per file, and
// `run`, the origin check against one of its origins with the facts the Cloudflare check would pass.

import { afterAll, beforeAll } from 'vitest';
import type { CheckResult } from '../../../../../src/diagnosis/check.js';
import { createOriginCheck } from '../../../../../src/diagnosis/checks/origin/index.js';
import type { CloudflareReader } from '../../../../../src/diagnosis/cloudflare-reader.js';
import type { CloudflareFacts, OriginFacts, SslMode } from '../../../../../src/diagnosis/facts.js';
import type { Finding } from '../../../../../src/diagnosis/finding.js';
import type { AddressPolicy, Ports } from '../../../../../src/diagnosis/ports.js';
import { parseSite } from '../../../../../src/diagnosis/target.js';
import { createAddressPolicy } from '../../../../../src/probes/address-policy.js';
import { createOriginProber } from '../../../../../src/probes/origin-prober.js';
import { type OriginLab, startOriginLab } from '../../../../fakes/origin-lab.js';
import type { LabOriginName } from '../../../../fakes/origin-lab-origins.js';

/** The lab of the running file (a live binding, set in beforeAll). */
export let lab: OriginLab;
const LAB_NETS = ['127.0.0.0/8'];

/** Starts the lab before the calling file's tests and closes it after them. */
export function originLabForFile(): void {
  beforeAll(async () => {
    lab = await startOriginLab({ site: 'shop.example.com' });
  });
  afterAll(async () => {
    await lab?.close();
  });
}

interface RunOptions {
  mode?: SslMode;
  origin?: string;
  candidates?: CloudflareFacts['origins'];
  timeoutMs?: number;
  policy?: AddressPolicy;
  resolve?: (host: string) => Promise<string[]>;
  site?: string;
  noCloudflare?: boolean;
  /** More of what the Cloudflare check learned (settings, Origin Rules, the zone). */
  facts?: Partial<CloudflareFacts>;
  /** A Cloudflare reader for the reads the origin check makes itself (Authenticated Origin Pulls). */
  reader?: Partial<CloudflareReader>;
}

export async function run(
  name: LabOriginName | undefined,
  opts: RunOptions = {},
): Promise<CheckResult<OriginFacts>> {
  const policy = opts.policy ?? createAddressPolicy(LAB_NETS);
  const unused = () => {
    throw new Error('not used by the origin check');
  };
  const ports: Ports = {
    resolver: { resolve: unused },
    edge: { probe: unused },
    origin: createOriginProber({
      policy,
      resolve: async (host) => (opts.resolve ? opts.resolve(host) : []),
      extraCa: [lab.ca],
    }),
    addresses: policy,
    clock: { now: () => new Date() },
    ...(opts.reader ? { cloudflare: opts.reader as CloudflareReader } : {}),
  };
  const parsed = parseSite(opts.site ?? 'https://shop.example.com/cart?x=1');
  if (!parsed.ok) throw new Error(parsed.reason);
  const timeoutMs = opts.timeoutMs ?? 2000;
  const cloudflare: CloudflareFacts = {
    origins: opts.candidates ?? (name ? [{ address: lab.origins[name].address, source: 'dns' }] : []),
    ...(opts.mode ? { sslMode: opts.mode } : {}),
    ...opts.facts,
  };
  const check = createOriginCheck({ ports: { http: lab.httpPort, https: lab.httpsPort } });
  return check.run({
    target: parsed.target,
    options: { timeoutMs, ...(opts.origin !== undefined ? { origin: opts.origin } : {}) },
    ports,
    signal: AbortSignal.timeout(check.budgetMs!({ timeoutMs })),
    facts: opts.noCloudflare ? {} : { cloudflare },
  });
}

export const codes = (findings: Finding[]) => findings.map((f) => `${f.code}:${f.severity}`).sort();
export const problems = (findings: Finding[]) =>
  findings.filter((f) => f.severity === 'warn' || f.severity === 'error');
