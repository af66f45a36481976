// The process's Prometheus instruments, on a registry of its own (never prom-client's global one:
// tests and several roles in one process each get their own). Label values are bounded sets
// (route paths, states, check names, finding codes, platforms), never user input.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { withTimeout } from '../time/with-timeout.js';

/** Job counts by BullMQ state (`waiting`, `active`, `delayed`, `failed`…), read on each scrape. */
export type QueueCountsSource = () => Promise<Record<string, number>>;

export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'route' | 'method' | 'outcome'>;
  readonly httpDuration: Histogram<'route'>;
  /** Job lifecycle events: queued, joined, completed, failed, retried, stalled. */
  readonly jobs: Counter<'state'>;
  readonly queueJobs: Gauge<'state'>;
  readonly checkDuration: Histogram<'check' | 'status'>;
  readonly findings: Counter<'code' | 'severity'>;
  readonly cloudflareCalls: Counter;
  readonly cloudflareRateLimited: Counter;
  readonly chatPosts: Counter<'platform' | 'kind' | 'outcome'>;
  readonly chatRateLimitWaits: Counter<'platform'>;
  readonly chatRateLimitWaitSeconds: Counter<'platform'>;
  /** Where queue depth comes from; set once the queue exists (front or worker). */
  setQueueCounts(source: QueueCountsSource | undefined): void;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, handles); on by default. */
  defaultMetrics?: boolean;
  /** How long a scrape waits for the queue counts before leaving them out (Redis down). */
  queueCountsTimeoutMs?: number;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'check502_' });
  const timeoutMs = options.queueCountsTimeoutMs ?? 1000;
  let queueCounts: QueueCountsSource | undefined;

  // Both gauges below are collected concurrently during one scrape (prom-client starts every
  // collect at once): they share the one read in flight.
  let pending: Promise<Record<string, number> | undefined> | undefined;
  const readCounts = () => {
    if (!queueCounts) return Promise.resolve(undefined);
    pending ??= withTimeout(queueCounts(), timeoutMs, 'counting the queue')
      .catch(() => undefined) // a scrape must answer while Redis is down; /readyz says why
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  const queueJobs = new Gauge({
    name: 'check502_queue_jobs',
    help: 'Diagnosis jobs in the queue by BullMQ state, read from Redis on each scrape',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      this.reset();
      const counts = await readCounts();
      for (const [state, count] of Object.entries(counts ?? {})) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'check502_queue_counts_up',
    help: '1 when the last scrape could read the queue depth from Redis, 0 when not',
    registers,
    async collect() {
      if (!queueCounts) return;
      this.set((await readCounts()) === undefined ? 0 : 1);
    },
  });

  return {
    registry,
    httpRequests: new Counter({
      name: 'check502_http_requests_total',
      help: 'HTTP requests by route, method and outcome (status code)',
      labelNames: ['route', 'method', 'outcome'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'check502_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route',
      labelNames: ['route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    jobs: new Counter({
      name: 'check502_jobs_total',
      help: 'Diagnosis job events by state (queued, joined, completed, failed, retried, stalled)',
      labelNames: ['state'] as const,
      registers,
    }),
    queueJobs,
    checkDuration: new Histogram({
      name: 'check502_check_duration_seconds',
      help: 'Duration of each diagnosis check, by check name and status',
      labelNames: ['check', 'status'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    findings: new Counter({
      name: 'check502_findings_total',
      help: 'Findings reported, by code and severity',
      labelNames: ['code', 'severity'] as const,
      registers,
    }),
    cloudflareCalls: new Counter({
      name: 'check502_cloudflare_api_calls_total',
      help: 'Requests made to the Cloudflare API',
      registers,
    }),
    cloudflareRateLimited: new Counter({
      name: 'check502_cloudflare_api_rate_limited_total',
      help: 'Cloudflare API answers with status 429',
      registers,
    }),
    chatPosts: new Counter({
      name: 'check502_chat_posts_total',
      help: 'Chat messages posted or edited, by platform, kind and outcome',
      labelNames: ['platform', 'kind', 'outcome'] as const,
      registers,
    }),
    chatRateLimitWaits: new Counter({
      name: 'check502_chat_rate_limit_waits_total',
      help: 'Times a chat post waited for a platform rate limit (429 Retry-After or own throttle)',
      labelNames: ['platform'] as const,
      registers,
    }),
    chatRateLimitWaitSeconds: new Counter({
      name: 'check502_chat_rate_limit_wait_seconds_total',
      help: 'Seconds spent waiting for chat platform rate limits',
      labelNames: ['platform'] as const,
      registers,
    }),
    setQueueCounts(source) {
      queueCounts = source;
    },
  };
}
