// What every chat command receives, whatever the platform: the adapters (Slack, Discord) translate
// their wire formats into this and nothing else, so a command is written once.
import type { Report } from '../../diagnosis/report.js';
import type { Audience } from '../../present/origin-addresses.js';
import type { Platform, ReplyTarget, ThreadRef } from '../sink.js';

export interface CommandInput {
  platform: Platform;
  /** What the user typed after the command's name (Slack text, Discord options joined). */
  text: string;
  /** The user's platform id, when known. */
  user?: string;
  /** Where a new thread should be started. */
  reply: ReplyTarget;
  /** A button pressed inside a thread: answer in that thread. */
  thread?: ThreadRef;
  /** The run number a Re-run button carries (2 for the first re-run). */
  run?: number;
  /** The platform's unique id for this request (Slack trigger, Discord interaction): a redelivery is a no-op. */
  key?: string;
  /** Discord only: the guild, for links to threads. */
  guildId?: string;
}

/** What a command answers the requester, before any platform styles it. */
export type CommandAnswer =
  | { kind: 'usage' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'queued'; site: string }
  /** Already running: `link` reaches its thread when known; `here` when that thread is this one. */
  | { kind: 'joined'; site: string; link?: string; here: boolean }
  | { kind: 'unavailable'; site: string }
  /** The Details button: the full report of a finished run, for whoever reads it there. */
  | { kind: 'details'; report: Report; audience: Audience }
  /** The Details button of a run whose report is no longer kept (or never finished). */
  | { kind: 'expired' }
  /** `/check502 timeline <site>`: the file was posted (in the incident's thread when it has one). */
  | { kind: 'timeline'; site: string; incident: string; inThread: boolean }
  /** Nothing to show for that site (no incident, or older than the retention). */
  | { kind: 'not-found'; site: string; reason: string }
  /** A short answer in words (monitor add/list/remove). */
  | { kind: 'note'; text: string }
  /** `/check502 watch <site>`: the watch started; its thread appears in the channel, or (`joinsRun`)
   * it goes on in the thread of the diagnosis already running. */
  | { kind: 'watching'; site: string; durationMs: number; joinsRun?: { link?: string } }
  /** A watch of the site already runs (a diagnosis or watch request joins it). */
  | { kind: 'watch-joined'; site: string; link?: string; here: boolean };
