// POST /slack/events behind OUR HTTP server: verified here (signature v0 over the raw body), parsed
// (form, `payload=` JSON, or JSON), translated by slackInbound and answered with the ack in the
// HTTP response. No Bolt on this path: a command costs one signature check, one parse and one
// queue request, which keeps the ack fast under load (see bench/slack.bench.ts).
import type { Logger } from 'pino';
import { type HttpRequest, type HttpResponse, json, type Route, text } from '../../http/route.js';
import type { ChatFront } from '../front/chat-front.js';
import type { FixFront } from '../front/fix-front.js';
import { checkSlackPayload } from './payload-shape.js';
import { postToResponseUrl, type ResponseUrlGuard } from './response-url.js';
import { type SlackReply, slackInbound } from './slack-inbound.js';
import { verifySlackSignature } from './verify-signature.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackRoutesDeps {
  signingSecret: string;
  front: ChatFront;
  logger: Logger;
  /** Payloads whose response_url this refuses are answered here and never reach the front. */
  responseUrls: ResponseUrlGuard;
  /** For views.open (the fix preview modal). */
  botToken?: string;
  /** Slack Web API base (tests' fake); Slack's when absent. */
  apiUrl?: string;
  /** Guarded fixes; absent when not configured (their buttons are then never drawn). */
  fixes?: FixFront;
}

export function slackRoutes(deps: SlackRoutesDeps): Route[] {
  const { logger } = deps;
  async function handle(request: HttpRequest): Promise<HttpResponse> {
    const verified = verifySlackSignature({
      signingSecret: deps.signingSecret,
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
      : typeof responseUrl === 'string' && !deps.responseUrls.allows(responseUrl)
        ? 'its response_url is not a Slack response URL'
        : undefined;
    if (!shape.ok || problem !== undefined) {
      logger.warn({ problem }, 'signed slack payload refused');
      // A slash command shows this text to its user; anything else just gets a clear 400.
      return 'command' in parsed
        ? ephemeral(`:x: check502 could not read this command: ${problem}.`)
        : json(400, { error: `malformed payload: ${problem}` });
    }
    let reply: SlackReply;
    try {
      reply = await slackInbound(shape.body, deps.front, deps.fixes);
    } catch (error) {
      logger.error({ err: error }, 'slack request failed');
      // Slack shows a 5xx as a bare "dispatch_failed"; tell the user something they can act on.
      return ephemeral(':x: check502 could not handle this request; it was logged. Try again in a moment.');
    }
    const followUp = reply.followUp;
    if (followUp) {
      // After the ack: Slack wants the button answered within 3 s, the message may come later.
      setImmediate(() => {
        const message = { text: followUp.text, replace_original: false };
        postToResponseUrl(followUp.url, message, deps.responseUrls).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not answer the button'),
        );
      });
    }
    const view = reply.openView;
    if (view && deps.botToken !== undefined) {
      // trigger_id lives 3 s: open the modal right after the ack.
      const token = deps.botToken;
      setImmediate(() => {
        openView(deps.apiUrl, token, view.triggerId, view.view).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not open the fix preview'),
        );
      });
    }
    return reply.ack ? json(200, reply.ack) : text(200, '');
  }
  return [{ method: 'POST', path: SLACK_EVENTS_PATH, maxBodyBytes: 256 * 1024, handle }];
}

/** views.open over Slack's Web API (JSON body, bot token). */
async function openView(apiUrl: string | undefined, token: string, triggerId: string, view: unknown) {
  const base = (apiUrl ?? 'https://slack.com/api/').replace(/\/?$/, '/');
  const response = await fetch(`${base}views.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ trigger_id: triggerId, view }),
    signal: AbortSignal.timeout(3000),
  });
  const body = (await response.json().catch(() => ({}))) as { ok?: boolean; error?: string };
  if (!body.ok) throw new Error(`views.open: ${body.error ?? `HTTP ${response.status}`}`);
}

function ephemeral(message: string): HttpResponse {
  return json(200, { response_type: 'ephemeral', text: message });
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
