// What the chat front asks of watches, declared here so chat/ never imports the queue: src/watch
// implements WatchRegistry (Redis records and BullMQ delayed jobs).
import type { Platform, ReplyTarget, ThreadRef } from '../sink.js';

export interface WatchRequest {
  site: string;
  /** What the user typed (a URL keeps its path). */
  input: string;
  reply: ReplyTarget;
  requestedBy?: string;
  durationMs: number;
}

export type WatchStartOutcome =
  /** `joinsRun`: a diagnosis of the site was running; the watch goes on in its thread once it ends. */
  | { outcome: 'started'; id: string; joinsRun?: { thread?: ThreadRef } }
  /** A watch of the site already runs here: its thread, once its root is posted. */
  | { outcome: 'joined'; id: string; thread?: ThreadRef }
  | { outcome: 'limit'; which: 'channel' | 'global'; limit: number };

export type WatchStopOutcome = 'stopped' | 'ended' | 'unknown';

export interface WatchRegistry {
  start(request: WatchRequest): Promise<WatchStartOutcome>;
  /** Stops a watch by its id (the Stop button) or by its site on a platform (typed). */
  stop(
    which: { id: string } | { platform: Platform; site: string },
    by?: string,
  ): Promise<{ outcome: WatchStopOutcome; site?: string }>;
  /** The watch running for a site, so a diagnosis request joins it instead of doubling it. */
  running(platform: Platform, site: string): Promise<{ id: string; thread?: ThreadRef } | undefined>;
  /** Shortest and longest watch accepted. */
  readonly bounds: { minMs: number; maxMs: number };
}
