// A monitor: a site checked on a schedule from the channel it was added in. This file is the pure
// part — what a monitor holds, and how one light check moves it: a change to failing is confirmed by
// `confirmChecks` failing checks in a row (a blip pages nobody), and a failing monitor whose check
// passes again reports the recovery, which the incident machinery confirms with its own re-check.
import type { Platform } from '../chat/sink.js';

export interface Monitor {
  /** `platform|channel|site`: one monitor per site per channel. */
  id: string;
  site: string;
  platform: Platform;
  channel: string;
  everyMs: number;
  addedBy?: string;
  addedAt: string;
  /** Failing checks in a row (0 after a passing one). */
  failures: number;
  state: 'ok' | 'failing';
  /** When the current failing episode was confirmed (ms): the alert's episode id. */
  failingSince?: number;
  lastCheckAt?: number;
  /** Bumped by every save: a check that read an older version lost the race and is dropped. */
  version?: number;
  /** An alert decided and saved but perhaps not yet delivered (a crash in between): sent again. */
  pendingAlert?: { status: 'firing' | 'resolved'; summary: string };
}

export interface MonitorLimits {
  perChannel: number;
  global: number;
}

export const DEFAULT_LIMITS: MonitorLimits = { perChannel: 25, global: 1000 };
export const DEFAULT_EVERY_MS = 60_000;
export const MIN_EVERY_MS = 30_000;
export const MAX_EVERY_MS = 24 * 3600_000;
export const DEFAULT_CONFIRM_CHECKS = 2;

export function monitorId(platform: Platform, channel: string, site: string): string {
  return `${platform}|${channel}|${site}`;
}

/** What one light check changes, and the alert to raise (if any). */
export function foldCheck(
  monitor: Monitor,
  healthy: boolean,
  now: number,
  confirmChecks = DEFAULT_CONFIRM_CHECKS,
): { monitor: Monitor; alert?: 'firing' | 'resolved' } {
  const next: Monitor = { ...monitor, lastCheckAt: now };
  if (healthy) {
    next.failures = 0;
    if (monitor.state === 'failing') {
      next.state = 'ok';
      return { monitor: next, alert: 'resolved' };
    }
    return { monitor: next };
  }
  next.failures = monitor.failures + 1;
  if (monitor.state === 'ok' && next.failures >= confirmChecks) {
    next.state = 'failing';
    next.failingSince = now;
    return { monitor: next, alert: 'firing' };
  }
  return { monitor: next };
}

/** Reads `every 1m`, `1m`, `every 30s`, `5 min`; undefined when not an interval in bounds. */
export function parseEvery(text: string): number | undefined {
  const m = /^(?:every\s+)?(\d{1,5})\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hours?)?$/i.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const ms = unit.startsWith('s') ? n * 1000 : unit.startsWith('h') ? n * 3600_000 : n * 60_000;
  return ms >= MIN_EVERY_MS && ms <= MAX_EVERY_MS ? ms : undefined;
}

export function describeEvery(ms: number): string {
  if (ms % 3600_000 === 0) return `${ms / 3600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
