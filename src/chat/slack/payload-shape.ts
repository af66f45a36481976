// The shape a signed Slack payload must have before the front sees it. Code that trusts Slack's
// payloads throws (a 500, with a stack trace in the log) on one with a missing or mistyped field:
// `command.text.trim()` on a command without `text` was the red team's case. A signed request
// is not proof of a well-formed one (a proxy, a replayed test payload, a future Slack change), so
// each field the adapter reads is checked here and a bad one gets a clear answer.
export type ShapeCheck = { ok: true; body: Record<string, unknown> } | { ok: false; problem: string };

const COMMAND_FIELDS = ['command', 'team_id', 'channel_id', 'user_id'] as const;
const OPTIONAL_COMMAND_FIELDS = ['response_url', 'trigger_id', 'user_name', 'channel_name', 'team_domain'];

/** A slash command (form fields), with `text` defaulted to '' as Slack sends it when empty. */
function checkCommand(body: Record<string, unknown>): ShapeCheck {
  for (const field of COMMAND_FIELDS) {
    if (!isText(body[field])) return { ok: false, problem: `${field} is missing` };
  }
  for (const field of [...OPTIONAL_COMMAND_FIELDS, 'text']) {
    if (body[field] !== undefined && typeof body[field] !== 'string')
      return { ok: false, problem: `${field} is not text` };
  }
  return { ok: true, body: { ...body, text: body['text'] ?? '' } };
}

/** Interactive payloads (buttons): who clicked, in which team, and each action. */
function checkInteraction(body: Record<string, unknown>): ShapeCheck {
  const user = body['user'];
  if (!isObject(user) || !isText(user['id'])) return { ok: false, problem: 'user.id is missing' };
  const team = body['team'];
  const teamId = isObject(team) ? team['id'] : user['team_id'];
  if (team !== undefined && team !== null && !isObject(team))
    return { ok: false, problem: 'team is not an object' };
  if (!isText(teamId)) return { ok: false, problem: 'team.id is missing' };
  for (const key of ['channel', 'container', 'message'] as const) {
    const value = body[key];
    if (value !== undefined && value !== null && !isObject(value))
      return { ok: false, problem: `${key} is not an object` };
  }
  for (const path of [
    ['channel', 'id'],
    ['container', 'channel_id'],
    ['container', 'message_ts'],
    ['container', 'thread_ts'],
    ['message', 'ts'],
    ['message', 'thread_ts'],
  ] as const) {
    const parent = body[path[0]];
    const value = isObject(parent) ? parent[path[1]] : undefined;
    if (value !== undefined && value !== null && typeof value !== 'string')
      return { ok: false, problem: `${path.join('.')} is not text` };
  }
  for (const key of ['response_url', 'trigger_id', 'api_app_id'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string')
      return { ok: false, problem: `${key} is not text` };
  }
  if (body['type'] === 'block_actions') {
    const actions = body['actions'];
    if (!Array.isArray(actions) || actions.length === 0) return { ok: false, problem: 'actions is missing' };
    for (const action of actions) {
      if (!isObject(action) || !isText(action['action_id']))
        return { ok: false, problem: 'an action has no action_id' };
      for (const key of ['block_id', 'type', 'value', 'action_ts'] as const) {
        if (action[key] !== undefined && typeof action[key] !== 'string')
          return { ok: false, problem: `action ${key} is not text` };
      }
    }
  }
  return { ok: true, body };
}

export function checkSlackPayload(body: Record<string, unknown>): ShapeCheck {
  if ('command' in body) return checkCommand(body);
  if (typeof body['type'] !== 'string') return { ok: false, problem: 'type is missing' };
  if (
    ['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action'].includes(body['type'])
  )
    return checkInteraction(body);
  return { ok: true, body };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
