// One line of `check502 doctor`: what was checked, whether it works, what a gap disables and the
// exact permission or variable that fixes it.
/**
 * ok; failed (configured and broken: exit 1); warning (works, with a gap: an optional permission
 * missing, named with what it disables); limited (the plan lacks it); missing (not configured);
 * skipped.
 */
export type RowStatus = 'ok' | 'failed' | 'warning' | 'missing' | 'limited' | 'skipped';

export interface DoctorRow {
  /** configuration | cloudflare | redis | slack | discord */
  area: string;
  /** "CLOUDFLARE_API_TOKEN", "DNS Read", "Redis"… */
  item: string;
  status: RowStatus;
  detail: string;
  /** What the diagnosis or the bot loses while this is not fixed. */
  disables?: string;
  /** The exact permission or variable to add or change. */
  fix?: string;
}

export interface DoctorReport {
  /** True when everything the configuration turns on works (exit 0). */
  ok: boolean;
  rows: DoctorRow[];
}

/** Only what is configured and broken fails the doctor; unset optional features do not. */
export function doctorReport(rows: DoctorRow[]): DoctorReport {
  return { ok: rows.every((r) => r.status !== 'failed'), rows };
}
