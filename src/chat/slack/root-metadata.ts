// Slack has no idempotency key for chat.postMessage, so a root whose post outcome was lost (the
// process or its Redis died between Slack's answer and the record of it) is found again by the
// message metadata it carries: `event_type` + `event_payload` are attached on posting and read back
// with conversations.history `include_all_metadata=true` (without it Slack leaves the payload out).
// Reading history needs the `channels:history` scope (`groups:history` for private channels); a
// bot without it cannot look, and the caller posts (at least once rather than never).
// Sources: https://docs.slack.dev/messaging/message-metadata, @slack/types MessageMetadata,
// @slack/web-api ConversationsHistoryArguments.include_all_metadata.
export const ROOT_EVENT_TYPE = 'check502_root';

/** Pages of history read at most (200 messages each): an alert channel in a storm is busy. */
const MAX_PAGES = 5;

export function rootMetadata(key: string): { event_type: string; event_payload: { key: string } } {
  return { event_type: ROOT_EVENT_TYPE, event_payload: { key } };
}

type Call = (method: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** The ts of the message in `channel` since `sinceMs` that carries root `key`, if Slack has one. */
export async function findRootMessage(
  call: Call,
  channel: string,
  key: string,
  sinceMs: number,
): Promise<string | undefined> {
  // Slack's clock and ours can differ a little; a minute earlier costs nothing.
  const oldest = (Math.max(0, sinceMs - 60_000) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await call('conversations.history', {
      channel,
      oldest,
      limit: 200,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    });
    const messages = Array.isArray(answer['messages']) ? (answer['messages'] as unknown[]) : [];
    for (const message of messages) {
      if (typeof message !== 'object' || message === null) continue;
      const { ts, metadata } = message as { ts?: unknown; metadata?: unknown };
      if (typeof ts !== 'string' || typeof metadata !== 'object' || metadata === null) continue;
      const { event_type, event_payload } = metadata as { event_type?: unknown; event_payload?: unknown };
      if (event_type !== ROOT_EVENT_TYPE || typeof event_payload !== 'object' || event_payload === null)
        continue;
      if ((event_payload as { key?: unknown }).key === key) return ts;
    }
    const next = (answer['response_metadata'] as { next_cursor?: unknown } | undefined)?.next_cursor;
    if (answer['has_more'] !== true || typeof next !== 'string' || next === '') return undefined;
    cursor = next;
  }
  return undefined;
}
