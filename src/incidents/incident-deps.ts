// What the incident module needs from the rest of the bot, as small interfaces: the diagnosis job
// producer (src/jobs), the chat sinks (src/chat), a one-shot diagnosis for re-checks (src/diagnoser).
import type { Logger } from 'pino';
import type { ChatSink, Platform, ReplyTarget, ThreadRef } from '../chat/sink.js';
import type { Report } from '../diagnosis/report.js';

/** The subset of the jobs producer incidents use (its `request` satisfies this). */
export interface DiagnosisRequester {
  request(
    data: {
      site: string;
      input: string;
      requestedBy?: string;
      reply: ReplyTarget;
      thread?: ThreadRef;
      incident?: { id: string; firstSeen?: string };
    },
    options?: { jobId?: string },
  ): Promise<{ outcome: 'queued' | 'joined'; jobId: string; thread?: ThreadRef }>;
}

/** Runs one diagnosis without posting it (the re-check before closing an incident). */
export type Recheck = (site: string) => Promise<Report>;

export interface Clock {
  now(): Date;
}

/** Where incidents are posted: `ALERT_SLACK_CHANNEL` / `ALERT_DISCORD_CHANNEL`. */
export type AlertChannels = Partial<Record<Platform, string>>;

export type Sinks = Partial<Record<Platform, ChatSink>>;

export interface IncidentTimings {
  /** Wait after the last alert resolved before the bot's own re-check (default 60 s). */
  recheckDelayMs: number;
  /** Re-checks that still see the site failing before giving up on closing (default 3). */
  maxRechecks: number;
  /** At most one root-message edit per incident per window (default 10 s). */
  editIntervalMs: number;
  /** At most one "more alerts" thread reply per incident per window (default 5 min). */
  noteIntervalMs: number;
  /** How often open incidents are swept for actions a Redis or process crash lost (default 30 s). */
  reconcileIntervalMs: number;
  /** Sites whose incidents open within stormWindowMs that make one storm message (default 3). */
  stormMinSites: number;
  /** How close together those openings must be; a storm lasts while openings keep coming (default 3 min). */
  stormWindowMs: number;
  /** At most one queued storm message edit per this many ms (default 5 s: each edit costs the channel a message of its pace). */
  stormEditMs: number;
}

export const DEFAULT_TIMINGS: IncidentTimings = {
  recheckDelayMs: 60_000,
  maxRechecks: 3,
  editIntervalMs: 10_000,
  noteIntervalMs: 5 * 60_000,
  reconcileIntervalMs: 30_000,
  stormMinSites: 3,
  stormWindowMs: 3 * 60_000,
  stormEditMs: 5000,
};

export type { Logger };
