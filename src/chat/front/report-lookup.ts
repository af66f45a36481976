// What the Details button needs: the full report a finished job stored (jobs/ implements it with
// the job's return value, kept for an hour after the run).
import type { Report } from '../../diagnosis/report.js';

export interface ReportLookup {
  /** The report of a finished job, or undefined when the job is unknown, unfinished or expired. */
  report(jobId: string): Promise<Report | undefined>;
}
