// Guarded fixes in Slack: a fix button opens a modal with the exact preview and an "Apply" button
// (the explicit confirmation); submitting it queues the fix; the Undo button under a result queues
// the undo. Who may do any of it is the front's decision (CHECK502_FIX_ALLOWED_USERS).
import { SLACK_FIX_ACTION, SLACK_FIX_MODAL, SLACK_UNDO_ACTION } from '../fix-buttons.js';
import type { FixAnswer, FixClick, FixFront } from '../front/fix-front.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { SlackReply, SlackView } from './slack-reply.js';

interface Interaction {
  type?: string;
  actions?: { action_id?: string; value?: unknown }[];
  user?: { id?: string; name?: string; username?: string };
  trigger_id?: string;
  response_url?: string;
  view?: { callback_id?: string; private_metadata?: string };
}

export function isFixInteraction(body: Record<string, unknown>): boolean {
  const p = body as Interaction;
  if (p.type === 'view_submission') return p.view?.callback_id === SLACK_FIX_MODAL;
  const id = p.actions?.[0]?.action_id;
  return p.type === 'block_actions' && (id === SLACK_FIX_ACTION || id === SLACK_UNDO_ACTION);
}

export async function fixInteraction(body: Record<string, unknown>, fixes: FixFront): Promise<SlackReply> {
  const p = body as Interaction;
  const name = p.user?.name ?? p.user?.username;
  const click: FixClick = { platform: 'slack', user: p.user?.id ?? '', ...(name ? { name } : {}) };
  if (p.type === 'view_submission') {
    // The modal's Apply: the explicit confirmation. The modal turns into the answer.
    const answer = await fixes.confirm(click, p.view?.private_metadata ?? '');
    return { ack: { response_action: 'update', view: messageView(answerText(answer)) } };
  }
  const action = p.actions?.[0];
  const id = typeof action?.value === 'string' ? action.value : '';
  const say = (text: string): SlackReply =>
    p.response_url !== undefined ? { followUp: { url: p.response_url, text } } : {};
  if (action?.action_id === SLACK_UNDO_ACTION) return say(answerText(await fixes.undo(click, id)));
  const answer = await fixes.preview(click, id);
  if (answer.kind !== 'preview' || p.trigger_id === undefined) return say(answerText(answer));
  return { openView: { triggerId: p.trigger_id, view: previewView(answer) } };
}

function answerText(answer: FixAnswer): string {
  return answer.kind === 'preview' ? answer.preview : answer.text;
}

function previewView(answer: Extract<FixAnswer, { kind: 'preview' }>): SlackView {
  return {
    type: 'modal',
    callback_id: SLACK_FIX_MODAL,
    private_metadata: answer.offerId,
    title: { type: 'plain_text', text: 'Confirm the fix' },
    submit: { type: 'plain_text', text: 'Apply' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(answer.title.slice(0, 200))}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${answer.preview.slice(0, 2800)}\`\`\`` } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Applied once, only if the value is still what this preview shows; recorded in the audit trail; Undo for an hour.',
          },
        ],
      },
    ],
  };
}

function messageView(text: string): SlackView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Guarded fix' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text.slice(0, 2900)) } }],
  };
}
