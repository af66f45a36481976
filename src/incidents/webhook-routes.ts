// POST /webhooks/{cloudflare,alertmanager,grafana,generic}: authenticate, parse, record, answer.
// Order matters: the secret is checked before the body is even parsed, and 202 is sent only once
// the alerts are in Redis, so a sender that sees 202 never needs to retry and nothing is lost.
import type { HttpRequest, HttpResponse, Route } from '../http/route.js';
import { json } from '../http/route.js';
import type { AlertSource, ParsedPayload } from './alert.js';
import type { Logger } from './incident-deps.js';
import type { IncidentService } from './incident-service.js';
import { parseJson } from './parsers/json-shape.js';
import { parseAlertmanager } from './parsers/parse-alertmanager.js';
import { parseCloudflare } from './parsers/parse-cloudflare.js';
import { parseGeneric } from './parsers/parse-generic.js';
import { parseGrafana } from './parsers/parse-grafana.js';
import { webhookSecretChecker } from './webhook-auth.js';

export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookRouteDeps {
  /** `ServerConfig.webhookSecret` (CHECK502_WEBHOOK_SECRET); undefined refuses every webhook. */
  secret: string | undefined;
  incidents: Pick<IncidentService, 'ingest'>;
  logger: Logger;
  /** Bound on recording alerts in Redis before answering 503 (default 5 s). */
  ingestTimeoutMs?: number;
}

const PARSERS: Record<AlertSource, (payload: unknown) => ParsedPayload> = {
  cloudflare: parseCloudflare,
  alertmanager: parseAlertmanager,
  grafana: parseGrafana,
  generic: parseGeneric,
};

export function webhookRoutes(deps: WebhookRouteDeps): Route[] {
  const check = webhookSecretChecker(deps.secret);
  return (Object.keys(PARSERS) as AlertSource[]).map((source) => {
    // Built once per route, not per request: a storm is thousands of requests a second.
    const route: RouteContext = { deps, source, check, log: deps.logger.child({ webhook: source }) };
    return {
      method: 'POST' as const,
      path: `/webhooks/${source}`,
      maxBodyBytes: WEBHOOK_MAX_BODY_BYTES,
      handle: (request: HttpRequest) => handle(route, request),
    };
  });
}

interface RouteContext {
  deps: WebhookRouteDeps;
  source: AlertSource;
  check: ReturnType<typeof webhookSecretChecker>;
  log: Logger;
}

async function handle(
  { deps, source, check, log }: RouteContext,
  request: HttpRequest,
): Promise<HttpResponse> {
  const auth = check(request.headers, source === 'cloudflare');
  if (!auth.ok) {
    log.warn({ status: auth.status, remote: request.remoteAddress }, `webhook refused: ${auth.reason}`);
    return json(auth.status, { error: auth.reason });
  }
  const body = parseJson(request.body);
  if (!body.ok) return json(400, { error: body.reason });
  const parsed = PARSERS[source](body.value);
  if (!parsed.ok) {
    log.info({ reason: parsed.reason }, 'webhook payload rejected');
    return json(400, { error: parsed.reason });
  }
  for (const item of parsed.ignored.slice(0, 20))
    log.info({ index: item.index, reason: item.reason }, 'alert ignored: no site to diagnose');
  if (parsed.note) log.info(`webhook accepted and ignored: ${parsed.note}`);
  if (parsed.alerts.length === 0) {
    return json(202, {
      accepted: 0,
      ignored: parsed.ignored.length,
      ...(parsed.note ? { note: parsed.note } : {}),
    });
  }
  try {
    const summary = await bounded(deps.incidents.ingest(parsed.alerts), deps.ingestTimeoutMs ?? 5000);
    return json(202, {
      accepted: parsed.alerts.length,
      ignored: parsed.ignored.length,
      incidents: summary.incidents.slice(0, 50),
    });
  } catch (error) {
    log.error({ err: error }, 'could not record alerts');
    return json(
      503,
      { error: 'cannot record alerts right now (Redis unavailable); retry later' },
      { 'retry-after': '30' },
    );
  }
}

function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`recording alerts took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
