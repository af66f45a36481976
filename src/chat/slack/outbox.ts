// Per-channel outgoing queue for Slack's Web API. Slack allows about one message per second per
// channel (short bursts tolerated), so each channel gets a token bucket; successive edits of the
// same message are coalesced (only the newest content is sent); a 429 pauses the channel for its
// Retry-After and retries; 5xx and network errors retry with backoff. Nothing is silently dropped:
// a message that still cannot be sent rejects its caller, whose job is then retried by BullMQ.
// New threads (root messages) go ahead of replies and edits already waiting: in an alert storm the
// channel shows every affected site first, then the details. Replies and edits need their root's ts,
// so none of them can be waiting for a root that is queued behind them. An urgent message (the storm
// message that names what many failing sites share, and its edits) goes ahead of everything waiting.
import type { Logger } from 'pino';
import { DeliveryError, type DeliveryFailure } from '../delivery-error.js';

export type SlackCall = (
  method: 'chat.postMessage' | 'chat.update',
  args: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

export interface OutboxOptions {
  call: SlackCall;
  logger: Logger;
  /** Sustained messages per second per channel. */
  ratePerSecond?: number;
  /** Messages a quiet channel may send at once. */
  burst?: number;
  /** Retries of 5xx/network failures before the caller is rejected. */
  maxRetries?: number;
  /** 429s tolerated for one message before the caller is rejected (it is retried by the job). */
  maxRateLimited?: number;
  baseBackoffMs?: number;
  /** Called each time a message waits for a rate limit (metrics). */
  onRateLimited?: (waitMs: number) => void;
}

interface Item {
  method: 'chat.postMessage' | 'chat.update';
  args: Record<string, unknown>;
  /** Coalescing key for updates: channel + ts. */
  key?: string;
  /** Sent ahead of every message waiting (after the one in flight and earlier urgent ones). */
  urgent?: boolean;
  /** Fresh content, read when the message's turn comes (a storm message waiting for a token). */
  refresh?: () => Record<string, unknown>;
  waiters: { resolve(v: Record<string, unknown>): void; reject(e: unknown): void }[];
}

interface Lane {
  items: Item[];
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
  running: boolean;
  /** The item being sent now: never reordered, and a newer edit must not merge into it. */
  inFlight?: Item;
}

export class SlackOutbox {
  private readonly lanes = new Map<string, Lane>();
  private readonly rate: number;
  private readonly burst: number;

  constructor(private readonly options: OutboxOptions) {
    this.rate = options.ratePerSecond ?? 1;
    this.burst = options.burst ?? 4;
  }

  post(
    args: Record<string, unknown> & { channel: string },
    options: { urgent?: boolean; refresh?: () => Record<string, unknown> } = {},
  ): Promise<Record<string, unknown>> {
    const item: Item = { method: 'chat.postMessage', args, waiters: [], urgent: options.urgent === true };
    if (options.refresh) item.refresh = options.refresh;
    return this.enqueue(item);
  }

  update(
    args: Record<string, unknown> & { channel: string; ts: string },
    options: { urgent?: boolean } = {},
  ): Promise<Record<string, unknown>> {
    const key = `${args.channel}/${args.ts}`;
    return this.enqueue({ method: 'chat.update', args, key, waiters: [], urgent: options.urgent === true });
  }

  /** Messages waiting, all channels (for metrics and tests). */
  pending(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.items.length;
    return n;
  }

  private enqueue(item: Item): Promise<Record<string, unknown>> {
    const channel = String(item.args['channel']);
    // Lanes outlive their queue so a channel's bucket is not refilled by going briefly idle.
    if (this.lanes.size > 500) this.prune(Date.now());
    let lane = this.lanes.get(channel);
    if (!lane) {
      lane = { items: [], tokens: this.burst, refilledAt: Date.now(), pausedUntil: 0, running: false };
      this.lanes.set(channel, lane);
    }
    const promise = new Promise<Record<string, unknown>>((resolve, reject) => {
      if (item.key !== undefined) {
        const queued = lane.items.find((other) => other.key === item.key && other !== lane.inFlight);
        if (queued) {
          // A newer edit of a message still waiting replaces its content; both callers see one call.
          queued.args = item.args;
          queued.waiters.push({ resolve, reject });
          return;
        }
      }
      item.waiters.push({ resolve, reject });
      if (item.urgent) {
        const at = lane.items.findIndex((other) => other !== lane.inFlight && !other.urgent);
        if (at >= 0) {
          lane.items.splice(at, 0, item);
          return;
        }
      } else if (isRoot(item)) {
        const at = lane.items.findIndex(
          (other) => other !== lane.inFlight && !other.urgent && !isRoot(other),
        );
        if (at >= 0) {
          lane.items.splice(at, 0, item);
          return;
        }
      }
      lane.items.push(item);
    });
    if (!lane.running) void this.pump(lane);
    return promise;
  }

  private async pump(lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.items.length > 0) {
        await this.takeToken(lane);
        const item = lane.items[0]!;
        lane.inFlight = item;
        if (item.refresh) item.args = { ...item.args, ...item.refresh() };
        try {
          const result = await this.send(item, lane);
          for (const w of item.waiters) w.resolve(result);
        } catch (error) {
          for (const w of item.waiters) w.reject(error);
        }
        delete lane.inFlight;
        lane.items.shift(); // still first: nothing is placed ahead of the item in flight
      }
    } finally {
      lane.running = false;
    }
  }

  /** Forgets channels that are idle with a full bucket (their state no longer matters). */
  private prune(now: number): void {
    const refillMs = (this.burst / this.rate) * 1000;
    for (const [channel, lane] of this.lanes) {
      if (
        !lane.running &&
        lane.items.length === 0 &&
        now - lane.refilledAt > refillMs &&
        now > lane.pausedUntil
      ) {
        this.lanes.delete(channel);
      }
    }
  }

  private async takeToken(lane: Lane): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now < lane.pausedUntil) {
        await sleep(lane.pausedUntil - now);
        continue;
      }
      lane.tokens = Math.min(this.burst, lane.tokens + ((now - lane.refilledAt) / 1000) * this.rate);
      lane.refilledAt = now;
      if (lane.tokens >= 1) {
        lane.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - lane.tokens) / this.rate) * 1000));
    }
  }

  private async send(item: Item, lane: Lane): Promise<Record<string, unknown>> {
    const maxRetries = this.options.maxRetries ?? 4;
    const maxRateLimited = this.options.maxRateLimited ?? 10;
    const base = this.options.baseBackoffMs ?? 500;
    let failures = 0;
    let limited = 0;
    for (;;) {
      try {
        return await this.options.call(item.method, item.args);
      } catch (error) {
        const info = classify(error);
        if (info.retryAfterMs !== undefined && limited < maxRateLimited) {
          limited++;
          lane.pausedUntil = Date.now() + info.retryAfterMs;
          this.options.onRateLimited?.(info.retryAfterMs);
          this.options.logger.warn(
            { method: item.method, retryAfterMs: info.retryAfterMs },
            'slack rate limited; waiting before retrying',
          );
          await sleep(info.retryAfterMs);
          continue;
        }
        if (info.transient && info.retryAfterMs === undefined && failures < maxRetries) {
          failures++;
          const delay = base * 2 ** (failures - 1);
          this.options.logger.warn(
            { method: item.method, reason: info.reason, delay },
            'slack call failed; retrying',
          );
          await sleep(delay);
          continue;
        }
        throw slackFailure(`${item.method} failed`, info);
      }
    }
  }
}

interface Classified {
  reason: string;
  transient: boolean;
  retryAfterMs?: number;
}

/** Slack errors meaning the bot cannot post in the channel until someone acts. */
const NOT_POSTABLE = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'access_denied',
  'ekm_access_denied',
]);

/** What Slack answered, in the one vocabulary of chat delivery failures. */
export function slackFailure(what: string, info: Pick<Classified, 'reason' | 'transient'>): DeliveryError {
  const kind: DeliveryFailure = info.transient
    ? 'transient'
    : NOT_POSTABLE.has(info.reason)
      ? 'unreachable'
      : 'rejected';
  return new DeliveryError(`${what}: ${info.reason}`, 'slack', kind, info.reason);
}

/** Maps @slack/web-api errors (by their stable `code`) to what the outbox should do. */
export function classify(error: unknown): Classified {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return {
        reason: 'ratelimited',
        transient: true,
        retryAfterMs: Math.max(0, (e.retryAfter ?? 1) * 1000),
      };
    case 'slack_webapi_platform_error': {
      const reason = e.data?.error ?? 'unknown_error';
      const transient = [
        'internal_error',
        'fatal_error',
        'service_unavailable',
        'request_timeout',
        'ratelimited',
      ].includes(reason);
      return { reason, transient };
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      return { reason: `http_${status}`, transient: status >= 500 || status === 408 || status === 429 };
    }
    case 'slack_webapi_request_error':
      return { reason: 'request_error', transient: true };
    default:
      return { reason: error instanceof Error ? error.message : String(error), transient: false };
  }
}

/** A message that starts a thread (not a reply, not an edit). */
function isRoot(item: Item): boolean {
  return item.method === 'chat.postMessage' && item.args['thread_ts'] === undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
