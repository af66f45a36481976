// `check502 serve`: the one HTTP server (Slack, health, readiness, and the routes other features
// add in src/roles/routes.ts) plus, unless `worker: false`, diagnosis workers in the same process.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { checkChatCredentials } from '../chat/check-chat-credentials.js';
import { createChatFront } from '../chat/front/chat-front.js';
import type { ChatSink, Platform } from '../chat/sink.js';
import type { ServerConfig } from '../config.js';
import type { Diagnoser } from '../diagnoser.js';
import type { Route } from '../http/route.js';
import { createHttpServer, type HttpServerOptions } from '../http/server.js';
import type { IncidentTimings } from '../incidents/incident-deps.js';
import { createTimelinePoster } from '../incidents/timeline-poster.js';
import { createDiagnosisProducer } from '../jobs/diagnosis-producer.js';
import type { DiagnosisWorkers } from '../jobs/diagnosis-workers.js';
import { waitUntilReady } from '../jobs/redis-clients.js';
import { instrumentProducer } from '../metrics/instrument-producer.js';
import { recordServerAnswer } from '../metrics/instrument-routes.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { diagnosisQueueCounts } from '../metrics/queue-counts.js';
import { createMonitorService } from '../monitors/monitor-service.js';
import { secretValues } from '../secrets/secret-values.js';
import { buildChatAdapters } from './chat-adapters.js';
import { buildFixFront } from './fix-wiring.js';
import { buildRoutes } from './routes.js';
import { buildSinks } from './sinks.js';
import { createPoolIncidents, type RoleHandle, startWorkerPool } from './worker.js';

export interface ServeOptions {
  config: ServerConfig;
  /** Run diagnosis workers in this process (`--no-worker` sets false). */
  worker: boolean;
  logger: Logger;
  diagnoser?: Diagnoser;
  sinks?: Partial<Record<Platform, ChatSink>>;
  extraRoutes?: Route[];
  /** Instruments behind GET /metrics; a registry of this server's own when absent. */
  metrics?: Metrics;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Incident delays and windows, for tests (product defaults otherwise). */
  incidentTimings?: Partial<IncidentTimings>;
  /** Per-socket deadlines of the HTTP server, for tests (its defaults otherwise). */
  http?: Pick<HttpServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs' | 'onSocketCut'>;
}

export interface ServeHandle extends RoleHandle {
  address: AddressInfo;
  /** http://host:port of the server (loopback when bound to all interfaces). */
  url: string;
  workers?: DiagnosisWorkers;
}

export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const { config, logger } = options;
  const metrics = options.metrics ?? createMetrics();
  const producer = instrumentProducer(
    createDiagnosisProducer({ redisUrl: config.redisUrl, prefix: config.queuePrefix }),
    metrics,
  );
  const queueCounts = diagnosisQueueCounts({ redisUrl: config.redisUrl, prefix: config.queuePrefix });
  metrics.setQueueCounts(queueCounts.source);
  // Start even when Redis is down (the front then answers "try again" and /readyz says not ready).
  const sinks = buildSinks(config, logger, metrics, options.sinks);
  // Webhooks are always mounted (they refuse everything without CHECK502_WEBHOOK_SECRET), so the
  // incident service always exists; its own fail-fast client never blocks start-up.
  const incidents = createPoolIncidents(config, logger, {
    sinks,
    producer,
    ...(options.incidentTimings ? { timings: options.incidentTimings } : {}),
  });
  const [queueReady, incidentsReady] = await Promise.all([
    producer.ready(3000),
    waitUntilReady(incidents.redis, 3000),
  ]);
  if (!queueReady || !incidentsReady)
    logger.warn('redis is not reachable yet; requests will be refused until it is');
  let pool: ReturnType<typeof startWorkerPool> | undefined;
  if (options.worker) {
    const poolOptions: Parameters<typeof startWorkerPool>[0] = { config, logger, sinks, metrics, incidents };
    if (options.incidentTimings) poolOptions.incidentTimings = options.incidentTimings;
    if (options.diagnoser) poolOptions.diagnoser = options.diagnoser;
    if (options.lockDurationMs !== undefined) poolOptions.lockDurationMs = options.lockDurationMs;
    if (options.stalledIntervalMs !== undefined) poolOptions.stalledIntervalMs = options.stalledIntervalMs;
    pool = startWorkerPool(poolOptions);
  }
  // Only a process that posts checks its chat tokens (the front alone never posts).
  const credentials = options.worker ? checkChatCredentials(sinks, logger) : Promise.resolve();
  // Monitors share the incidents' fail-fast client: a Redis outage answers at once, not in 3 s.
  const monitors = createMonitorService({ redis: incidents.redis, prefix: config.queuePrefix });
  const front = createChatFront({
    requester: producer,
    reports: producer,
    logger,
    monitors,
    timelines: createTimelinePoster({ redis: incidents.redis, prefix: config.queuePrefix, sinks, logger }),
  });
  const fixes = buildFixFront(config, incidents.redis, logger);
  const adapters = buildChatAdapters(config, front, logger, fixes.front);
  await Promise.all(adapters.map((adapter) => adapter.start()));
  const routeDeps: Parameters<typeof buildRoutes>[0] = {
    config,
    logger,
    producer,
    metrics,
    incidents: incidents.service,
  };
  if (pool) routeDeps.workers = pool.workers;
  routeDeps.chatRoutes = adapters.flatMap((adapter) => adapter.routes);
  if (options.extraRoutes) routeDeps.extraRoutes = options.extraRoutes;
  const http = createHttpServer({
    routes: buildRoutes(routeDeps),
    onServerAnswer: (answer) => recordServerAnswer(metrics, answer),
    secrets: secretValues(config),
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    ...options.http,
    logger: logger.child({ component: 'http' }),
  });
  const address = await http.listen(config.port, config.host);
  await credentials;
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  logger.info(
    {
      port: address.port,
      workers: options.worker,
      slack: config.slack ? (config.slack.appToken ? 'socket' : 'http') : 'off',
    },
    'check502 serve started',
  );

  let closing: Promise<void> | undefined;
  const handle: ServeHandle = {
    address,
    url,
    close(deadlineMs = config.shutdownTimeoutMs) {
      const deadline = Date.now() + deadlineMs;
      closing ??= (async () => {
        await http.close(Math.min(5000, deadlineMs));
        for (const adapter of adapters)
          await adapter.stop().catch((e: unknown) => logger.warn({ err: e }, 'chat adapter stop failed'));
        if (pool) {
          await pool.workers.close(Math.max(0, deadline - Date.now() - 1000));
          await pool.incidentWorkers
            ?.close()
            .catch((e: unknown) => logger.warn({ err: e }, 'incident workers'));
          await pool.diagnoser.close();
        }
        await fixes.close().catch((e: unknown) => logger.warn({ err: e }, 'fix queue close'));
        await monitors.close().catch(() => {});
        await incidents.close();
        await producer.close();
        await queueCounts.close();
        logger.info('check502 serve stopped');
      })();
      return closing;
    },
  };
  if (pool) handle.workers = pool.workers;
  return handle;
}
