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
  /** Discord: the guild (server) the thread is in, for links; absent in a DM. */
  guild?: string;
  /** A DM or private channel: origin addresses may be shown (absent: shared, they are hidden). */
  private?: true;
}

/** Where a new diagnosis should be answered. */
export type ReplyTarget =
  | { platform: 'slack'; channel: string; responseUrl?: string; private?: true }
  | {
      platform: 'discord';
      channel: string;
      /** Present for slash commands: the root is the interaction's (deferred) original response. */
      interaction?: { applicationId: string; token: string; createdAt: number };
      /** A DM: origin addresses may be shown (absent: a server channel, they are hidden). */
      private?: true;
    };

/** An alert incident the diagnosis belongs to (webhooks), rendered on the root message. */
export interface IncidentContext {
  id: string;
  state: 'open' | 'resolving' | 'resolved';
  alerts: number;
  sources: string[];
  firstSeen: string;
  lastSeen: string;
  summary?: string;
  /** The incident this one re-opens, when the site fired again after resolving. */
  previous?: { id: string; link?: string };
}

/**
 * One message for an alert storm: the sites failing together, what they share (when found), and a
 * link to each site's own thread. Rendered by each platform's sink; incidents/storm-view.ts builds it.
 */
export interface StormView {
  id: string;
  /** When the first of its sites failed (ISO). */
  since: string;
  /** "14 sites, one origin 203.0.113.10 refusing on 443"; absent while still looking. */
  cause?: string;
  /** Failing sites whose diagnosis was read, and how many sites are in the storm. */
  diagnosed: number;
  sites: Array<{ site: string; link?: string; shares?: boolean; primaryCause?: string; resolved?: boolean }>;
}

/** Why a diagnosis is running, shown on the root message. */
export interface RunContext {
  site: string;
  /** Who asked (a user id), or the alert source for incidents. */
  requestedBy?: string;
  /** 1 for the first run in a thread, 2+ for re-runs. */
  run?: number;
  /** The job answering, so a Details button can fetch its full report later. */
  jobId?: string;
  incident?: IncidentContext;
  /** startThread only: a root an earlier attempt already posted (its thread may be missing); build on it. */
  root?: ThreadRef;
  /** startThread only: called once the root exists, before the thread step can fail, so a retry reuses it. */
  onRoot?: (root: ThreadRef) => Promise<void>;
  /**
   * startThread only: names this root for the platform (at most 25 characters, the same on every
   * attempt), so a repeat can be recognised: Discord's `nonce` with `enforce_nonce` (a repeat within
   * minutes returns the message already made), Slack's message `metadata`.
   */
  rootKey?: string;
  /**
   * startThread only: an earlier attempt claimed this root at this time (ms since epoch) and may have
   * posted it without recording it; look for a message carrying `rootKey` since then, and build on it
   * instead of posting again.
   */
  lookBackSince?: number;
  /** postSummary only: the guarded fixes offered as buttons under the summary. */
  fixOffers?: { id: string; title: string }[];
  /** A watch (`/check502 watch`) this root belongs to: its status line, and a Stop button while it runs. */
  watch?: WatchContext;
}

/** postStorm: the message's stable key, and since when to look for it (as RunContext.rootKey/lookBackSince). */
export type PostKey = Pick<RunContext, 'rootKey' | 'lookBackSince'>;

/** What a watch's root message shows besides the latest verdict. */
export interface WatchContext {
  /** The watch's id, carried by the Stop button. */
  id: string;
  /** One line: "healthy 2 of 3 runs in a row; confirming" or the outcome once it ended. */
  status: string;
  /** Ended (recovered, timed out, stopped): no Stop button. */
  ended: boolean;
}

/** Who the bot token belongs to, as the platform itself answered. */
export interface BotIdentity {
  id: string;
  name: string;
  /** Slack: the workspace (team) id. */
  workspace?: string;
}

/** The platform's answer to "whose token is this?" (Slack auth.test, Discord GET /users/@me). */
export type CredentialCheck =
  | { ok: true; identity: BotIdentity }
  /** refused: the platform rejected the token (retrying cannot help); otherwise it could not be asked. */
  | { ok: false; reason: string; refused: boolean };

/**
 * Failures, the same on every platform: a method that cannot deliver rejects with a
 * `DeliveryError` (delivery-error.ts), never another error type.
 * - `startThread`, `postStorm` and `postFile` post something new: they reject on any failure.
 *   A root that is not retryable means there is nowhere to answer: the job ends without retries.
 * - Everything said inside an existing thread or on an existing message (checks, summary, notes,
 *   root and storm edits, fix results) rejects only when a retry can help. A message the platform
 *   refuses is logged and skipped; a channel that takes nothing from us is logged once and left
 *   alone for a while (thread-delivery.ts): the rest of the answer still goes, and the root still
 *   shows the verdict when it can.
 */
export interface ChatSink {
  readonly platform: Platform;
  /** Asks the platform who the bot token belongs to; never throws. */
  checkCredentials?(): Promise<CredentialCheck>;
  /** Posts the root message ("Checking shop.example.com…") and returns where its thread is. */
  startThread(reply: ReplyTarget, context: RunContext): Promise<ThreadRef>;
  /** One threaded message for one finished check and what it found. */
  postCheck(thread: ThreadRef, check: CheckSummary, findings: readonly Finding[]): Promise<void>;
  /** The closing message: verdict, primary cause, remediation, a Re-run button. */
  postSummary(thread: ThreadRef, report: Report, context?: RunContext): Promise<void>;
  /** Edits the root message to show the verdict (and the incident's state, when there is one). */
  updateRoot(thread: ThreadRef, report: Report | undefined, context: RunContext): Promise<void>;
  /** A link people can click to reach the thread, when the platform has one. */
  threadLink?(thread: ThreadRef): string | undefined;
  /** A short threaded note ("another request joined this diagnosis", "resolved"). */
  postNote(thread: ThreadRef, text: string): Promise<void>;
  /**
   * Posts the storm message in a channel, ahead of messages already waiting there. `view` is read
   * again when the message is actually sent, so one still waiting for its turn goes out up to date.
   * With `key.lookBackSince`, a message carrying `key.rootKey` posted since then is returned instead.
   */
  postStorm?(channel: string, view: () => StormView, key?: PostKey): Promise<ThreadRef>;
  /** Posts a text file (a Markdown timeline) in a thread, or in the channel when there is none. */
  postFile?(
    where: { channel: string; thread?: ThreadRef },
    file: { name: string; title: string; content: string },
  ): Promise<void>;
  /** Edits the storm message (more sites, the shared cause, thread links). */
  updateStorm?(message: ThreadRef, view: StormView): Promise<void>;
  /** A guarded fix's result in the thread, with an Undo button when `undoFixId` is given. */
  postFixResult?(thread: ThreadRef, text: string, undoFixId?: string): Promise<void>;
}
