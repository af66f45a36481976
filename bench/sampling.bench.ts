// `npm run bench sampling`: what sampling costs. Against the lab with every dependency delayed by
// 200 ms (fake DNS per query, fake edge, each origin connection, every Cloudflare API answer), the
// same diagnosis with one glance (--samples 1) and with the default 5 samples, in the same run.
// "Report" is the whole diagnosis; "others done" is when every check but the keep-alive idle watch
// had ended. The idle watch is a trailing check: it ends with the others, so the two are the same
// to within a few ms (before, a healthy keep-alive origin held the report for its 6 s window).
import type { DiagnosisConfig } from '../src/config.js';
import { createDiagnoser } from '../src/diagnoser.js';
import { parseSite } from '../src/diagnosis/target.js';
import { startE2eLab } from '../test/e2e/support/lab.js';
import { FAKE_TOKEN } from '../test/fakes/cloudflare-api/scenario.js';
import type { BenchRow } from './run.js';

const DELAY_MS = 200;
const RUNS = 5;
const TIMEOUT_MS = 10_000;

export default async function bench(): Promise<BenchRow[]> {
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
    const parsed = parseSite(lab.url);
    if (!parsed.ok) throw new Error(parsed.reason);
    const target = parsed.target;
    const extraCa = [lab.origins.ca, lab.edge.ca];

    const measure = async (samples: number) => {
      const verdicts: number[] = [];
      const totals: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const diagnoser = createDiagnoser(config, { extraCa });
        const started = performance.now();
        let verdictAt = 0;
        const report = await diagnoser.run(
          target,
          { timeoutMs: TIMEOUT_MS, samples },
          {
            onCheck(summary) {
              if (summary.name !== 'keepAlive') verdictAt = performance.now() - started;
            },
          },
        );
        totals.push(performance.now() - started);
        verdicts.push(verdictAt);
        await diagnoser.close();
        const bad = report.findings.filter((f) => f.severity === 'warn' || f.severity === 'error');
        if (bad.length > 0)
          throw new Error(`samples=${samples} was not healthy: ${bad.map((f) => f.code).join(', ')}`);
      }
      return { verdict: median(verdicts), total: median(totals) };
    };
    const one = await measure(1);
    const five = await measure(5);
    const ratio = Math.round((five.total / one.total) * 100) / 100;
    const held = Math.round((five.total / Math.max(1, five.verdict)) * 100) / 100;
    return [
      {
        bench: 'sampling',
        metric: 'one glance (--samples 1), 200 ms delays: report',
        value: one.total,
        unit: 'ms',
        target: '',
      },
      {
        bench: 'sampling',
        metric: '5 samples (default), 200 ms delays: report',
        value: five.total,
        unit: 'ms',
        target: '',
      },
      {
        bench: 'sampling',
        metric: '5 samples / one glance (whole report, same run)',
        value: ratio,
        unit: 'x',
        target: '< 2',
        pass: ratio < 2,
      },
      {
        bench: 'sampling',
        metric: '5 samples: report / others done (keep-alive idle watch holding the verdict)',
        value: held,
        unit: 'x',
        target: '<= 1.1',
        pass: held <= 1.1,
      },
    ];
  } finally {
    await lab.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]!);
}
