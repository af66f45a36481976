import type { CheckName, Facts } from './facts.js';
import type { Finding } from './finding.js';
import type { Ports } from './ports.js';
import type { Target } from './target.js';

export interface DiagnoseOptions {
  /** Budget of one probe, in milliseconds (`--timeout`, default 10 s). */
  timeoutMs: number;
  /** Origin named by the user (`--origin`) when the API cannot name it. */
  origin?: string;
  /** When the errors began, when the caller knows (an incident's first alert; RFC 3339). */
  errorsSince?: string;
  /** Requests per sampled leg (origin fresh, origin kept-alive, edge); 1 = one glance, no sampling (default 5). */
  samples?: number;
  /** The monitors' periodic check: the edge alone, sampled, with no Cloudflare API call (LIGHT_CHECKS). */
  light?: boolean;
}

export interface CheckContext {
  target: Target;
  options: DiagnoseOptions;
  ports: Ports;
  /** Aborted when this check's budget runs out. */
  signal: AbortSignal;
  /** Facts of the checks named in `needs` that completed (absent when they failed or were skipped). */
  facts: Partial<Facts>;
  /**
   * For a `trailing` check: aborted once every other check of the diagnosis has ended, so an
   * open-ended observation (the keep-alive idle watch) stops there instead of holding the verdict.
   * Absent when the check runs alone.
   */
  othersDone?: AbortSignal;
}

export interface CheckResult<F> {
  status: 'passed' | 'failed' | 'skipped';
  findings: Finding[];
  facts?: F;
}

/** One independent unit of the diagnosis. Each folder under checks/ exports one from its index.ts. */
export interface Check<N extends CheckName = CheckName> {
  name: N;
  /** Checks whose facts this one needs; it starts when they end. Everything else runs concurrently. */
  needs?: readonly CheckName[];
  /**
   * The check watches something open-ended and must not hold the verdict: its context carries
   * `othersDone`, and it should wrap up when that fires. Other checks never wait for it.
   */
  trailing?: boolean;
  /** Budget in ms; defaults to the probe timeout plus a margin for classification. */
  budgetMs?(options: DiagnoseOptions): number;
  run(ctx: CheckContext): Promise<CheckResult<Facts[N]>>;
}

/** Erases the name parameter so checks of different kinds fit one list. */
export type AnyCheck = { [N in CheckName]: Check<N> }[CheckName];
