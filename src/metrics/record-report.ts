// What a finished diagnosis adds to the metrics: one duration per check, one count per finding,
// and the Cloudflare API calls it made. Called by the worker once per report.
import type { Report } from '../diagnosis/report.js';
import type { Metrics } from './metrics.js';

export function recordReport(metrics: Metrics, report: Report): void {
  for (const check of report.checks) {
    metrics.checkDuration.observe({ check: check.name, status: check.status }, check.durationMs / 1000);
  }
  for (const finding of report.findings) {
    metrics.findings.inc({ code: finding.code, severity: finding.severity });
  }
  if (report.cloudflareApiCalls > 0) metrics.cloudflareCalls.inc(report.cloudflareApiCalls);
}
