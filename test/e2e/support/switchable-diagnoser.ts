// A diagnoser for end-to-end incident tests: the lab's real diagnosis (origin refused, edge 521)
// until the test sets `fixed`, then one passing edge check — the site "recovers" on demand.
import type { Diagnoser } from '../../../src/diagnoser.js';
import type { Check } from '../../../src/diagnosis/check.js';
import { diagnose } from '../../../src/diagnosis/engine.js';
import type { Ports } from '../../../src/diagnosis/ports.js';
import { reported } from '../../support/findings.js';

export function switchableDiagnoser(lab: Diagnoser): Diagnoser & { fixed: boolean; runs: string[] } {
  const ok: Check<'edge'> = {
    name: 'edge',
    run: async ({ target }) => ({
      status: 'passed',
      findings: [
        reported({
          code: 'edge.ok',
          severity: 'ok',
          title: `${target.host} answers through Cloudflare`,
          detail: 'The edge answered 200.',
          evidence: { status: 200 },
        }),
      ],
    }),
  };
  const state = {
    fixed: false,
    runs: [] as string[],
    run: (
      target: Parameters<Diagnoser['run']>[0],
      options: Parameters<Diagnoser['run']>[1],
      listener?: Parameters<Diagnoser['run']>[2],
    ) => {
      state.runs.push(target.host);
      if (!state.fixed) return lab.run(target, options, listener);
      const ports = { clock: { now: () => new Date() } } as unknown as Ports;
      return diagnose(target, options, ports, [ok], listener);
    },
    close: () => lab.close(),
  };
  return state;
}
