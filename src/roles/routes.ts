// The list of routes `serve` mounts. Each feature adds ONE line here with its route factory (alert
// webhooks, /metrics); the chat platforms' routes come from their adapters (chat-adapters.ts).
import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import { healthzRoute, type ReadinessProbe, readyzRoute } from '../http/health-routes.js';
import type { Route } from '../http/route.js';
import type { IncidentService } from '../incidents/incident-service.js';
import { webhookRoutes } from '../incidents/webhook-routes.js';
import type { DiagnosisProducer } from '../jobs/diagnosis-producer.js';
import type { DiagnosisWorkers } from '../jobs/diagnosis-workers.js';
import { instrumentRoutes } from '../metrics/instrument-routes.js';
import type { Metrics } from '../metrics/metrics.js';
import { metricsRoute } from '../metrics/metrics-route.js';

export interface RouteDeps {
  config: ServerConfig;
  logger: Logger;
  producer: DiagnosisProducer;
  /** Present when this process runs workers: /readyz then also requires them to run. */
  workers?: DiagnosisWorkers;
  /** The chat platforms' inbound routes (POST /slack/events, POST /discord/interactions). */
  chatRoutes?: Route[];
  /** Anything else the caller mounts (tests, integrator). */
  extraRoutes?: Route[];
  /** Serves GET /metrics and counts every route's requests by outcome. */
  metrics?: Metrics;
  /** More /readyz probes (the Cloudflare token: degraded, never not-ready). */
  probes?: ReadinessProbe[];
  /** Where accepted alerts go; without it the webhooks still answer, refusing every alert with 503. */
  incidents?: Pick<IncidentService, 'ingest'>;
}

// Keeps the webhook routes' answers when no incident service was given (route tests).
const NO_INCIDENTS: Pick<IncidentService, 'ingest'> = {
  ingest: () => Promise.reject(new Error('incidents are not configured in this process')),
};

export function buildRoutes(deps: RouteDeps): Route[] {
  const probes: ReadinessProbe[] = [{ name: 'redis', check: () => deps.producer.ping() }];
  const workers = deps.workers;
  if (workers) probes.push({ name: 'workers', check: async () => workers.isRunning() });
  probes.push(...(deps.probes ?? []));
  const routes = [
    healthzRoute(),
    readyzRoute(probes),
    ...(deps.chatRoutes ?? []),
    // Always mounted: without CHECK502_WEBHOOK_SECRET they refuse every request (product.md).
    ...webhookRoutes({
      secret: deps.config.webhookSecret,
      ...(deps.config.senderSecrets ? { senderSecrets: deps.config.senderSecrets } : {}),
      incidents: deps.incidents ?? NO_INCIDENTS,
      logger: deps.logger,
    }),
    ...(deps.metrics ? [metricsRoute(deps.metrics)] : []),
    ...(deps.extraRoutes ?? []),
  ];
  return deps.metrics ? instrumentRoutes(routes, deps.metrics) : routes;
}
