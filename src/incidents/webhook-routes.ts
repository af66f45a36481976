// POST /webhooks/<source> (webhook-sources.ts lists them): authenticate, parse, record, answer.
// Order matters: the secret is checked before the body is even parsed, and 202 is sent only once
// the alerts are in Redis, so a sender that sees 202 never needs to retry and nothing is lost.
import type { HttpRequest, HttpResponse, Route } from '../http/route.js';
import { json } from '../http/route.js';
import { withTimeout } from '../time/with-timeout.js';
import type { Logger } from './incident-deps.js';
import type { IncidentService } from './incident-service.js';
import { decodeBody } from './parsers/decode-body.js';
import { webhookSecretChecker } from './webhook-auth.js';
import { type SenderSecrets, type WebhookSource, webhookSources } from './webhook-sources.js';

export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookRouteDeps {
  /** `ServerConfig.webhookSecret` (CHECK502_WEBHOOK_SECRET); undefined refuses every webhook. */
  secret: string | undefined;
  /** Secrets of senders that sign (PagerDuty, Checkly): their signature then authenticates alone. */
  senderSecrets?: SenderSecrets;
  incidents: Pick<IncidentService, 'ingest'>;
  logger: Logger;
  /** Bound on recording alerts in Redis before answering 503 (default 5 s). */
  ingestTimeoutMs?: number;
}

export function webhookRoutes(deps: WebhookRouteDeps): Route[] {
  const check = webhookSecretChecker(deps.secret);
  return webhookSources(deps.senderSecrets).flatMap((sender) => {
    // Built once per route, not per request: a storm is thousands of requests a second.
    const route: RouteContext = { deps, sender, check, log: deps.logger.child({ webhook: sender.source }) };
    return sender.methods.map((method) => ({
      method,
      path: `/webhooks/${sender.source}`,
      maxBodyBytes: WEBHOOK_MAX_BODY_BYTES,
      handle: (request: HttpRequest) => handle(route, request),
    }));
  });
}

interface RouteContext {
  deps: WebhookRouteDeps;
  sender: WebhookSource;
  check: ReturnType<typeof webhookSecretChecker>;
  log: Logger;
}

async function handle(
  { deps, sender, check, log }: RouteContext,
  request: HttpRequest,
): Promise<HttpResponse> {
  const signed = sender.signature?.verify(request.headers, request.body) ?? 'absent';
  if (signed !== 'valid') {
    const auth = check(request.headers, sender.source === 'cloudflare', request.query);
    if (!auth.ok) {
      const reason = signed === 'invalid' ? `wrong ${sender.signature?.header ?? 'signature'}` : auth.reason;
      const status = signed === 'invalid' ? 401 : auth.status;
      log.warn({ status, remote: request.remoteAddress }, `webhook refused: ${reason}`);
      return json(status, { error: reason });
    }
  }
  const body = decodeBody(request);
  if (!body.ok) return json(400, { error: body.reason });
  const parsed = sender.parse(body.value);
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
    const summary = await withTimeout(
      deps.incidents.ingest(parsed.alerts),
      deps.ingestTimeoutMs ?? 5000,
      'recording alerts',
    );
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
