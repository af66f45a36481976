// Everything the long-running roles (serve, worker) use, built once from configuration. A test,
// a benchmark or an integrator replaces a piece as a whole through `overrides`; buildDeps closes
// what it created and never what it was given. The roles only start listeners and workers over
// these deps, so no role decides "use the injected one or create my own".
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChatSink, Platform } from '../chat/sink.js';
import {
  type CloudflareTokenHealth,
  observeTokenHealth,
  startTokenHealth,
} from '../cloudflare/token-health.js';
import type { ServerConfig } from '../config.js';
import { createDiagnoser, type Diagnoser } from '../diagnoser.js';
import type { Route } from '../http/route.js';
import type { HttpServerOptions } from '../http/server.js';
import type { IncidentTimings } from '../incidents/incident-deps.js';
import { createIncidentService, type IncidentService } from '../incidents/incident-service.js';
import { createDiagnosisProducer, type DiagnosisProducer } from '../jobs/diagnosis-producer.js';
import { closeRedis, createFrontRedis } from '../jobs/redis-clients.js';
import { redisTarget } from '../jobs/redis-target.js';
import { redisThreadState } from '../jobs/thread-state-store.js';
import { rateLimitCountingFetch } from '../metrics/cloudflare-fetch.js';
import { countingSinks } from '../metrics/counting-sink.js';
import { instrumentDiagnoser } from '../metrics/instrument-diagnoser.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { diagnosisQueueCounts } from '../metrics/queue-counts.js';
import type { WatchTimings } from '../watch/watch-state.js';
import { buildSinks } from './sinks.js';

/** What a caller may put in place of what configuration would build. */
export interface DepOverrides {
  diagnoser?: Diagnoser;
  /** Raw platform sinks; the secret scrubber, address hiding and counting still wrap them. */
  sinks?: Partial<Record<Platform, ChatSink>>;
  /** Instruments behind GET /metrics; a registry of the process's own when absent. */
  metrics?: Metrics;
  /** Routes serve mounts beside its own (tests, integrators). */
  extraRoutes?: Route[];
  /** Incident delays and windows (product defaults otherwise). */
  incidentTimings?: Partial<IncidentTimings>;
  /** The backoff between a watch's runs (30 s, then a minute, otherwise). */
  watchTimings?: Partial<WatchTimings>;
  /** Per-socket deadlines of the HTTP server (its defaults otherwise). */
  http?: Pick<HttpServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs' | 'onSocketCut'>;
  /** BullMQ stall detection (its defaults otherwise). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface Deps {
  config: ServerConfig;
  logger: Logger;
  metrics: Metrics;
  /** Every configured platform, behind the secret scrubber and address hiding, counted. */
  sinks: Partial<Record<Platform, ChatSink>>;
  /** Built on first use (a front-only serve never builds one), counted. */
  readonly diagnoser: Diagnoser;
  /** CLOUDFLARE_API_TOKEN verified at start and kept current by the reports (absent without a token). */
  cloudflareToken?: CloudflareTokenHealth;
  /** The diagnosis queue's producer (its own fail-fast client): chat front, incidents, re-checks. */
  readonly producer: DiagnosisProducer;
  /** A fail-fast client shared by incidents, monitors, fixes and timelines: a Redis outage answers at once. */
  redis: Redis;
  incidents: IncidentService;
  /** Queue counts for /metrics, read on each scrape through a client of their own (on first use). */
  readonly queueCounts: ReturnType<typeof diagnosisQueueCounts>;
  overrides: Pick<DepOverrides, 'extraRoutes' | 'http' | 'incidentTimings' | 'watchTimings'>;
  /** BullMQ stall detection for every worker (spread into their options). */
  stall: Pick<DepOverrides, 'lockDurationMs' | 'stalledIntervalMs'>;
  /** Closes what buildDeps created, newest first; what was given is left to its owner. */
  close(): Promise<void>;
}

export function buildDeps(config: ServerConfig, overrides: DepOverrides & { logger: Logger }): Deps {
  const { logger, diagnoser: givenDiagnoser, sinks: givenSinks, metrics: givenMetrics, ...rest } = overrides;
  const { lockDurationMs, stalledIntervalMs, ...roleOverrides } = rest;
  const closers: Array<() => Promise<void>> = [];
  /** Creates `make()` once, on first use, and closes it with the deps. */
  const owned = <T>(make: () => T, close: (value: T) => Promise<void>): (() => T) => {
    let value: { v: T } | undefined;
    return () => {
      if (!value) {
        value = { v: make() };
        const made = value.v;
        closers.push(() => close(made));
      }
      return value.v;
    };
  };

  const metrics = givenMetrics ?? createMetrics();
  // Verified in the background: start-up never waits for Cloudflare.
  const cloudflareToken = config.cloudflareApiToken
    ? startTokenHealth({
        token: config.cloudflareApiToken,
        ...(config.cloudflareBaseUrl ? { baseUrl: config.cloudflareBaseUrl } : {}),
        logger,
      })
    : undefined;
  if (cloudflareToken) closers.push(async () => cloudflareToken.close());
  const diagnoser = owned(
    () => {
      const measured = instrumentDiagnoser(
        givenDiagnoser ?? createDiagnoser(config, { cloudflareFetch: rateLimitCountingFetch(metrics) }),
        metrics,
      );
      return cloudflareToken ? observeTokenHealth(measured, cloudflareToken) : measured;
    },
    (made) => made.close(),
  );
  const producer = owned(
    () => createDiagnosisProducer({ redisUrl: redisTarget(config), prefix: config.queuePrefix }),
    (made) => made.close(),
  );
  const redis = owned(() => {
    const client = createFrontRedis(redisTarget(config), { autoPipelining: true });
    client.on('error', () => {}); // surfaced by /readyz and by the requests that fail
    return client;
  }, closeRedis)();
  // A job retried on another worker finds its thread's state (Discord's interaction, hints) here.
  const sinks = countingSinks(
    buildSinks(config, logger, metrics, givenSinks, redisThreadState(redis, config.queuePrefix)),
    metrics,
  );
  const incidents = owned(
    () =>
      createIncidentService({
        redis,
        prefix: config.queuePrefix,
        logger: logger.child({ component: 'incidents' }),
        sinks,
        ...(rest.incidentTimings ? { timings: rest.incidentTimings } : {}),
        ...(config.incidentRetentionDays ? { historyRetentionDays: config.incidentRetentionDays } : {}),
        ...(config.redisWaitReplicas ? { waitReplicas: config.redisWaitReplicas } : {}),
      }),
    (made) => made.close().catch(() => {}),
  )();
  const queueCounts = owned(
    () => {
      const counts = diagnosisQueueCounts({ redisUrl: redisTarget(config), prefix: config.queuePrefix });
      metrics.setQueueCounts(counts.source);
      return counts;
    },
    (made) => made.close(),
  );

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    metrics,
    sinks,
    get diagnoser() {
      return diagnoser();
    },
    get producer() {
      return producer();
    },
    redis,
    incidents,
    ...(cloudflareToken ? { cloudflareToken } : {}),
    get queueCounts() {
      return queueCounts();
    },
    overrides: roleOverrides,
    stall: {
      ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
      ...(stalledIntervalMs !== undefined ? { stalledIntervalMs } : {}),
    },
    close() {
      closing ??= (async () => {
        for (const close of closers.reverse()) await close().catch(() => {});
      })();
      return closing;
    },
  };
}
