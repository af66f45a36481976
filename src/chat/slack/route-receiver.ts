// A Bolt Receiver that lives behind OUR HTTP server: POST /slack/events is verified here
// (signature v0 over the raw body), parsed (form, `payload=` JSON, or JSON), handed to Bolt, and
// answered with whatever the listener passed to ack() — or a timeout answer before Slack's 3 s.
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import { type HttpRequest, type HttpResponse, json, type Route, text } from '../../http/route.js';
import { checkSlackPayload } from './payload-shape.js';
import type { ResponseUrlGuard } from './response-url.js';
import { verifySlackSignature } from './verify-signature.js';

export interface RouteReceiverOptions {
  signingSecret: string;
  logger: Logger;
  path?: string;
  /** Answer given when no listener acked in time (Slack shows its own error after 3 s). */
  ackTimeoutMs?: number;
  /** Payloads whose response_url this refuses are answered here and never reach Bolt. */
  responseUrls?: ResponseUrlGuard;
}

export class RouteReceiver implements Receiver {
  private app: App | undefined;
  constructor(private readonly options: RouteReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  route(): Route {
    return {
      method: 'POST',
      path: this.options.path ?? '/slack/events',
      maxBodyBytes: 256 * 1024,
      handle: (request) => this.handle(request),
    };
  }

  private async handle(request: HttpRequest): Promise<HttpResponse> {
    const { logger } = this.options;
    const verified = verifySlackSignature({
      signingSecret: this.options.signingSecret,
      headers: request.headers,
      body: request.body,
    });
    if (!verified.ok) {
      logger.warn(
        { reason: verified.reason, remote: request.remoteAddress },
        'rejected unsigned or forged slack request',
      );
      return json(401, { error: 'invalid signature' });
    }
    const parsed = parseBody(request);
    if (parsed === undefined) return json(400, { error: 'unreadable body' });
    if (parsed['ssl_check'] === '1') return text(200, '');
    if (parsed['type'] === 'url_verification' && typeof parsed['challenge'] === 'string') {
      return json(200, { challenge: parsed['challenge'] });
    }
    const shape = checkSlackPayload(parsed);
    const responseUrl = parsed['response_url'];
    const problem = !shape.ok
      ? shape.problem
      : typeof responseUrl === 'string' && this.options.responseUrls?.allows(responseUrl) === false
        ? 'its response_url is not a Slack response URL'
        : undefined;
    if (!shape.ok || problem !== undefined) {
      logger.warn({ problem }, 'signed slack payload refused');
      // A slash command shows this text to its user; anything else just gets a clear 400.
      return 'command' in parsed
        ? json(200, {
            response_type: 'ephemeral',
            text: `:x: check502 could not read this command: ${problem}.`,
          })
        : json(400, { error: `malformed payload: ${problem}` });
    }
    const body = shape.body;
    if (!this.app) return json(503, { error: 'not ready' });

    let answer: (response: HttpResponse) => void = () => {};
    const answered = new Promise<HttpResponse>((resolve) => {
      answer = resolve;
    });
    let acked = false;
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        if (response === undefined || response === '') answer(text(200, ''));
        else if (typeof response === 'string') answer(text(200, response));
        else answer(json(200, response));
      },
    };
    const retryNum = Number(request.headers['x-slack-retry-num']);
    if (Number.isInteger(retryNum)) event.retryNum = retryNum;
    const retryReason = request.headers['x-slack-retry-reason'];
    if (typeof retryReason === 'string') event.retryReason = retryReason;

    const processing = this.app.processEvent(event).then(
      () => (acked ? undefined : text(200, '')),
      (error: unknown) => {
        logger.error({ err: error }, 'slack listener failed');
        // Slack shows a 5xx as a bare "dispatch_failed"; tell the user something they can act on.
        return acked
          ? undefined
          : json(200, {
              response_type: 'ephemeral',
              text: ':x: check502 could not handle this request; it was logged. Try again in a moment.',
            });
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<HttpResponse>((resolve) => {
      timer = setTimeout(() => {
        logger.warn('slack request not acknowledged in time');
        resolve(text(200, ''));
      }, this.options.ackTimeoutMs ?? 2500);
    });
    try {
      const finished = processing.then((r) => r ?? answered);
      return await Promise.race([answered, finished, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseBody(request: HttpRequest): Record<string, unknown> | undefined {
  const raw = request.body.toString('utf8');
  const type = String(request.headers['content-type'] ?? '');
  try {
    if (type.includes('application/json')) {
      const value: unknown = JSON.parse(raw);
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    }
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    if (payload !== null) {
      const value: unknown = JSON.parse(payload);
      return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    }
    return Object.fromEntries(form);
  } catch {
    return undefined;
  }
}
