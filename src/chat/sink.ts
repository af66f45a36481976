// What a chat platform must do for the job pipeline: post a root message, thread the findings
// under it as checks end, post the summary and edit the root. The worker drives this interface;
// Slack (Block Kit) and Discord (embeds) implement it. Rendering input is the same for both:
// the report and the streamed check results of src/diagnosis.
import type { Finding } from '../diagnosis/finding.js';
import type { CheckSummary, Report } from '../diagnosis/report.js';

export type Platform = 'slack' | 'discord';

/** Where a diagnosis is being answered; stored with the job so a retried worker posts in the same place. */
export interface ThreadRef {
  platform: Platform;
  /** Channel id the root message is in. */
  channel: string;
  /** Root message id (Slack `ts`, Discord message id). */
  root: string;
  /** Discord: the thread channel started from the root (Slack threads by `root`). */
  thread?: string;
}

/** Why a diagnosis is running, shown on the root message. */
export interface RunContext {
  site: string;
  /** Who asked (a user mention id), or the alert source for incidents. */
  requestedBy?: string;
  /** 1 for the first run in a thread, 2+ for re-runs. */
  run?: number;
}

export interface ChatSink {
  readonly platform: Platform;
  /** Posts the root message ("Checking shop.example.com…") and returns where its thread is. */
  startThread(channel: string, context: RunContext): Promise<ThreadRef>;
  /** One threaded message for one finished check and what it found. */
  postCheck(thread: ThreadRef, check: CheckSummary, findings: readonly Finding[]): Promise<void>;
  /** The closing message: verdict, primary cause, remediation, a Re-run button. */
  postSummary(thread: ThreadRef, report: Report): Promise<void>;
  /** Edits the root message to show the verdict. */
  updateRoot(thread: ThreadRef, report: Report, context: RunContext): Promise<void>;
  /** A short threaded note ("another request joined this diagnosis", "resolved"). */
  postNote(thread: ThreadRef, text: string): Promise<void>;
}
