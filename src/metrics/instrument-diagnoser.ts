// A Diagnoser decorator that records each finished report (check durations, findings, Cloudflare
// calls), so the workers need no metrics code: wrap the diagnoser the roles are given.
import type { Diagnoser } from '../diagnoser.js';
import type { Metrics } from './metrics.js';
import { recordReport } from './record-report.js';

export function instrumentDiagnoser(diagnoser: Diagnoser, metrics: Metrics): Diagnoser {
  return {
    async run(target, options, listener) {
      const report = await diagnoser.run(target, options, listener);
      recordReport(metrics, report);
      return report;
    },
    close: () => diagnoser.close(),
  };
}
