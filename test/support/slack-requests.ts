// Signed requests to POST /slack/events, built the way Slack builds them.
import { signSlackRequest } from '../../src/chat/slack/verify-signature.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export interface CommandFields {
  text: string;
  channel?: string;
  user?: string;
  responseUrl: string;
  triggerId?: string;
}

let triggers = 0;

export function commandBody(fields: CommandFields): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0TEAM',
    team_domain: 'acme',
    channel_id: fields.channel ?? 'C0OPS',
    channel_name: 'ops',
    user_id: fields.user ?? 'U0ALICE',
    user_name: 'alice',
    command: '/check502',
    text: fields.text,
    api_app_id: 'A0APP',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `trigger-${process.pid}-${++triggers}-${Date.now()}`,
  }).toString();
}

export function rerunBody(fields: {
  site: string;
  run: number;
  channel: string;
  root: string;
  summaryTs: string;
  responseUrl: string;
}): string {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0BOB', username: 'bob', team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    team: { id: 'T0TEAM', domain: 'acme' },
    container: {
      type: 'message',
      message_ts: fields.summaryTs,
      channel_id: fields.channel,
      is_ephemeral: false,
      thread_ts: fields.root,
    },
    trigger_id: `trigger-${Date.now()}`,
    channel: { id: fields.channel, name: 'ops' },
    message: { type: 'message', ts: fields.summaryTs, thread_ts: fields.root, text: 'summary' },
    response_url: fields.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: 'check502_rerun',
        block_id: 'b1',
        value: JSON.stringify({ site: fields.site, run: fields.run }),
        action_ts: String(Date.now() / 1000),
        text: { type: 'plain_text', text: 'Re-run' },
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export async function postSigned(
  baseUrl: string,
  body: string,
  options: { secret?: string; timestamp?: number; unsigned?: boolean } = {},
): Promise<{ status: number; text: string; json?: { text?: string; response_type?: string } }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (!options.unsigned)
    Object.assign(headers, signSlackRequest(options.secret ?? SIGNING_SECRET, body, options.timestamp));
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  const out: { status: number; text: string; json?: { text?: string; response_type?: string } } = {
    status: response.status,
    text,
  };
  if ((response.headers.get('content-type') ?? '').includes('json')) out.json = JSON.parse(text);
  return out;
}
