// Slack's wire format in, the front's answer out: a slash command's form fields or a button's
// block_actions payload become a CommandInput; the CommandAnswer becomes the ack body (commands)
// or an ephemeral follow-up through the response_url (buttons, which Slack acks empty). Used by
// both receivers, HTTP (slack-routes.ts) and Socket Mode (slack-adapter.ts).
import { createHash } from 'node:crypto';
import { parseSite } from '../../diagnosis/target.js';
import { answerText } from '../front/answer-text.js';
import type { ChatFront } from '../front/chat-front.js';
import { commandOf, runCommand } from '../front/commands.js';
import type { FixFront } from '../front/fix-front.js';
import { SLACK_WATCH_STOP_ACTION } from '../watch-buttons.js';
import { DETAILS_ACTION_ID, RERUN_ACTION_ID, type RerunValue, TIMELINE_ACTION_ID } from './render.js';
import { fixInteraction, isFixInteraction } from './slack-fixes.js';
import { slackMarkup } from './slack-markup.js';
import type { SlackReply } from './slack-reply.js';

export type { SlackReply };

const BROKEN_BUTTON = '❌ This button is broken; run `/check502 <site>` instead.';

export async function slackInbound(
  body: Record<string, unknown>,
  front: ChatFront,
  fixes?: FixFront,
): Promise<SlackReply> {
  if (typeof body['command'] === 'string') return slashCommand(body, front);
  if (fixes && isFixInteraction(body)) return fixInteraction(body, fixes);
  if (body['type'] === 'block_actions') return buttonPress(body, front);
  return {};
}

async function slashCommand(body: Record<string, unknown>, front: ChatFront): Promise<SlackReply> {
  const { name, text } = commandOf(str(body['text']) ?? '');
  const channel = str(body['channel_id']) ?? '';
  const responseUrl = str(body['response_url']);
  const hidden = isPrivateChannel(channel, str(body['channel_name']));
  const trigger = str(body['trigger_id']);
  const user = str(body['user_id']);
  const answer = await runCommand(front, name, {
    platform: 'slack',
    text,
    reply: {
      platform: 'slack',
      channel,
      ...(responseUrl !== undefined ? { responseUrl } : {}),
      ...(hidden ? { private: true as const } : {}),
    },
    ...(user !== undefined ? { user } : {}),
    // trigger_id is unique per invocation: a duplicate delivery maps to the same job and is a no-op.
    ...(trigger ? { key: `slack-${safeId(str(body['team_id']) ?? '')}-${hash(trigger)}` } : {}),
  });
  return { ack: { response_type: 'ephemeral', text: answerText(answer, slackMarkup) } };
}

async function buttonPress(body: Record<string, unknown>, front: ChatFront): Promise<SlackReply> {
  const payload = body as {
    actions?: { action_id?: string; value?: unknown }[];
    channel?: { id?: string; name?: string };
    container?: { channel_id?: string; thread_ts?: string };
    message?: { ts?: string; thread_ts?: string };
    user?: { id?: string };
    response_url?: string;
  };
  const action = payload.actions?.[0];
  const url = payload.response_url;
  const reply = (text: string): SlackReply => (url !== undefined ? { followUp: { url, text } } : {});
  if (action?.action_id === DETAILS_ACTION_ID) {
    const text = typeof action.value === 'string' ? action.value : '';
    const channel = payload.channel?.id ?? payload.container?.channel_id ?? '';
    const hidden = isPrivateChannel(channel, payload.channel?.name) ? { private: true as const } : {};
    const answer = await runCommand(front, 'details', {
      platform: 'slack',
      text,
      reply: { platform: 'slack', channel, ...hidden },
    });
    return reply(answerText(answer, slackMarkup));
  }
  if (action?.action_id === TIMELINE_ACTION_ID || action?.action_id === SLACK_WATCH_STOP_ACTION) {
    const channel = payload.channel?.id ?? payload.container?.channel_id ?? '';
    const answer = await runCommand(front, action.action_id === TIMELINE_ACTION_ID ? 'timeline' : 'unwatch', {
      platform: 'slack',
      text: typeof action.value === 'string' ? action.value : '',
      reply: { platform: 'slack', channel },
      ...(payload.user?.id !== undefined ? { user: payload.user.id } : {}),
    });
    return reply(answerText(answer, slackMarkup));
  }
  if (action?.action_id !== RERUN_ACTION_ID) return {};
  const value = rerunValue(action.value);
  const channel = payload.channel?.id ?? payload.container?.channel_id;
  const root = payload.message?.thread_ts ?? payload.container?.thread_ts ?? payload.message?.ts;
  if (!value || !channel || !root) return reply(BROKEN_BUTTON);
  const hidden = isPrivateChannel(channel, payload.channel?.name) ? { private: true as const } : {};
  const answer = await runCommand(front, 'diagnose', {
    platform: 'slack',
    text: value.site,
    reply: { platform: 'slack', channel, ...(url !== undefined ? { responseUrl: url } : {}), ...hidden },
    thread: { platform: 'slack', channel, root, ...hidden },
    run: value.run,
    ...(payload.user?.id !== undefined ? { user: payload.user.id } : {}),
  });
  // The thread itself shows a queued re-run; only a refusal needs words.
  return answer.kind === 'queued' ? {} : reply(answerText(answer, slackMarkup));
}

/**
 * A DM, a group DM or a private channel: Slack names them `directmessage`, `mpdm-…` and
 * `privategroup` in slash commands, and their ids start with D or G (older private channels).
 */
function isPrivateChannel(id: string, name: string | undefined): boolean {
  if (name === 'directmessage' || name === 'privategroup' || name?.startsWith('mpdm-')) return true;
  return /^[DG]/.test(id);
}

function rerunValue(raw: unknown): RerunValue | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const value = JSON.parse(raw) as Partial<RerunValue>;
    if (typeof value.site !== 'string') return undefined;
    const parsed = parseSite(value.site);
    if (!parsed.ok) return undefined;
    const run = Number.isInteger(value.run) && (value.run ?? 0) > 1 ? (value.run as number) : 2;
    return { site: parsed.target.host, run: Math.min(run, 10_000) };
  } catch {
    return undefined;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 24);
}

function safeId(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'team';
}
