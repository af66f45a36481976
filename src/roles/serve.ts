// `check502 serve`: the one HTTP server (Slack, Discord, alert webhooks, health, readiness, and the
// routes src/roles/routes.ts lists) plus, unless `worker: false`, diagnosis workers in the same
// process. It starts listeners and workers over deps built once (src/roles/deps.ts).
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { checkChatCredentials } from '../chat/check-chat-credentials.js';
import { createChatFront } from '../chat/front/chat-front.js';
import type { ServerConfig } from '../config.js';
import { createHttpServer } from '../http/server.js';
import { createTimelinePoster } from '../incidents/timeline-poster.js';
import type { DiagnosisWorkers } from '../jobs/diagnosis-workers.js';
import { waitUntilReady } from '../jobs/redis-clients.js';
import { instrumentProducer } from '../metrics/instrument-producer.js';
import { recordServerAnswer } from '../metrics/instrument-routes.js';
import { createMonitorService } from '../monitors/monitor-service.js';
import { secretValues } from '../secrets/secret-values.js';
import { createWatchService } from '../watch/watch-service.js';
import { buildChatAdapters } from './chat-adapters.js';
import { buildDeps, type DepOverrides, type Deps } from './deps.js';
import { buildFixFront } from './fix-wiring.js';
import { buildRoutes } from './routes.js';
import { cloudflareTokenProbes, type RoleHandle, startWorkerPool } from './worker.js';

export interface ServeOptions extends DepOverrides {
  config: ServerConfig;
  /** Run diagnosis workers in this process (`--no-worker` sets false). */
  worker: boolean;
  logger: Logger;
}

export interface ServeHandle extends RoleHandle {
  address: AddressInfo;
  /** http://host:port of the server (loopback when bound to all interfaces). */
  url: string;
  workers?: DiagnosisWorkers;
}

/** Builds the deps from `options` and serves over them; `close()` also closes the deps. */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const { config, worker, ...overrides } = options;
  const deps = buildDeps(config, overrides);
  try {
    return await serve(deps, { worker });
  } catch (error) {
    await deps.close();
    throw error;
  }
}

export async function serve(deps: Deps, options: { worker: boolean }): Promise<ServeHandle> {
  const { config, logger, metrics } = deps;
  const producer = instrumentProducer(deps.producer, metrics);
  void deps.queueCounts; // counted on each /metrics scrape
  // Start even when Redis is down (the front then answers "try again" and /readyz says not ready).
  const [queueReady, incidentsReady] = await Promise.all([
    producer.ready(3000),
    waitUntilReady(deps.redis, 3000),
  ]);
  if (!queueReady || !incidentsReady)
    logger.warn('redis is not reachable yet; requests will be refused until it is');
  const pool = options.worker ? startWorkerPool(deps) : undefined;
  // Only a process that posts checks its chat tokens (the front alone never posts).
  const credentials = options.worker ? checkChatCredentials(deps.sinks, logger) : Promise.resolve();
  // Monitors share the incidents' fail-fast client: a Redis outage answers at once, not in 3 s.
  const monitors = createMonitorService({ redis: deps.redis, prefix: config.queuePrefix });
  const watches = createWatchService({ redis: deps.redis, prefix: config.queuePrefix });
  const front = createChatFront({
    requester: producer,
    reports: producer,
    showOriginAddresses: config.showOriginAddresses,
    logger,
    monitors,
    watches,
    timelines: createTimelinePoster({
      redis: deps.redis,
      prefix: config.queuePrefix,
      sinks: deps.sinks,
      logger,
      showOriginAddresses: config.showOriginAddresses,
    }),
  });
  const fixes = buildFixFront(config, deps.redis, logger);
  const adapters = buildChatAdapters(config, front, logger, fixes.front);
  await Promise.all(adapters.map((adapter) => adapter.start()));
  const http = createHttpServer({
    routes: buildRoutes({
      config,
      logger,
      producer,
      metrics,
      incidents: deps.incidents,
      chatRoutes: adapters.flatMap((adapter) => adapter.routes),
      ...(pool ? { workers: pool.workers } : {}),
      probes: cloudflareTokenProbes(deps),
      ...(deps.overrides.extraRoutes ? { extraRoutes: deps.overrides.extraRoutes } : {}),
    }),
    onServerAnswer: (answer) => recordServerAnswer(metrics, answer),
    secrets: secretValues(config),
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    ...deps.overrides.http,
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
        await pool?.close(Math.max(0, deadline - Date.now() - 1000));
        await fixes.close().catch((e: unknown) => logger.warn({ err: e }, 'fix queue close'));
        await monitors.close().catch(() => {});
        await watches.close().catch(() => {});
        await deps.close();
        logger.info('check502 serve stopped');
      })();
      return closing;
    },
  };
  if (pool) handle.workers = pool.workers;
  return handle;
}
