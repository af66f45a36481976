// A small HTTP listener for processes that serve no chat traffic (`check502 worker`): /healthz,
// /readyz and /metrics, so workers can be health-checked and scraped like the front.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { healthzRoute, type ReadinessProbe, readyzRoute } from '../http/health-routes.js';
import { createHttpServer } from '../http/server.js';
import { instrumentRoutes, recordServerAnswer } from './instrument-routes.js';
import type { Metrics } from './metrics.js';
import { metricsRoute } from './metrics-route.js';

export interface OpsServerOptions {
  metrics: Metrics;
  probes: readonly ReadinessProbe[];
  logger: Logger;
  port: number;
  host?: string;
}

export interface OpsServer {
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const routes = instrumentRoutes(
    [healthzRoute(), readyzRoute(options.probes), metricsRoute(options.metrics)],
    options.metrics,
  );
  const http = createHttpServer({
    routes,
    logger: options.logger,
    maxBodyBytes: 0,
    onServerAnswer: (answer) => recordServerAnswer(options.metrics, answer),
  });
  const address = await http.listen(options.port, options.host ?? '0.0.0.0');
  return { address, close: () => http.close() };
}
