// One alert as the incident store sees it, whatever sent it. Parsers turn each source's payload into
// these; everything after the parser is source-agnostic.

export type AlertSource =
  | 'cloudflare'
  | 'alertmanager'
  | 'grafana'
  | 'generic'
  | 'uptime-kuma'
  | 'uptimerobot'
  | 'betterstack'
  | 'datadog'
  | 'pagerduty'
  | 'checkly'
  | 'pingdom'
  | 'monitor';
export type AlertStatus = 'firing' | 'resolved';

/** Where an incident this alert opens is posted instead of ALERT_*_CHANNEL (a monitor's channel). */
export interface AlertRoute {
  platform: 'slack' | 'discord';
  channel: string;
}

export interface Alert {
  /** Normalised hostname (see parseSite). */
  site: string;
  status: AlertStatus;
  /** Stable identity of the alert rule + target, the same for its firing and its resolve. */
  fingerprint: string;
  /**
   * Identity of this firing episode (start time, Cloudflare correlation id). With the fingerprint it
   * makes a retried delivery count once. Empty when the sender gives none: then every delivery counts.
   * `*` on a resolve: it ends every episode of the fingerprint still firing (a sender whose resolve
   * does not say which episode it ends, like PagerDuty's after a reopen).
   */
  start: string;
  source: AlertSource;
  /** One line for people, already clipped. */
  summary: string;
  /** Set by monitors: the incident opens in the channel the monitor was added from. */
  route?: AlertRoute;
}

/** An entry of the payload that was valid but is not about a site we can diagnose. */
export interface IgnoredAlert {
  index: number;
  reason: string;
}

export type ParsedPayload =
  | { ok: true; alerts: Alert[]; ignored: IgnoredAlert[]; note?: string }
  | { ok: false; reason: string };

export const MAX_SUMMARY = 300;
export const MAX_ID = 200;
/** A 1 MiB body holds a few thousand real alerts; far more entries means garbage. */
export const MAX_ALERTS_PER_REQUEST = 10_000;

export function clip(text: string, max = MAX_SUMMARY): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
