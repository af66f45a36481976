// The fake Discord API's channel messages: creating one (honouring `nonce` + `enforce_nonce` as
// Discord documents them: a nonce is at most 25 characters, longer is 50035 Invalid Form Body, and
// with `enforce_nonce: true` a nonce the same author used in the past few minutes (five here)
// returns that message instead of creating another: discord-api-types
// RESTPostAPIChannelMessageJSONBody.enforce_nonce; discord.com/developers/docs/resources/message),
// editing one, and starting a thread from one.

import type { MessageStore } from './message-store.js';
import { DISCORD_ERRORS, type ErrorSpec } from './shapes.js';

export interface ChannelRequest {
  parts: string[];
  method: string;
  payload: Record<string, unknown>;
  files: Map<string, File> | undefined;
  auth: string | undefined;
  send(status: number, value?: unknown, headers?: Record<string, string>): true;
  fail(error: ErrorSpec): true;
}

/** Answers `/channels/{channel}/messages…`; false when no route there matches. */
export function createChannelMessages(store: MessageStore, snowflake: () => string, guildId: string) {
  const { messages, newMessage, attachmentsOf, edit, view } = store;
  const threads = new Set<string>();
  /** `${author} ${nonce}` → the message it created and when. */
  const nonces = new Map<string, { id: string; at: number }>();
  const NONCE_WINDOW_MS = 5 * 60_000;

  return ({ parts, method, payload, files, auth, send, fail }: ChannelRequest): boolean => {
    const channelId = parts[1] ?? '';
    // POST /channels/{channel}/messages
    if (parts.length === 3 && method === 'POST') {
      const nonce = payload['nonce'];
      if (nonce !== undefined && (typeof nonce === 'string' ? nonce.length > 25 : typeof nonce !== 'number'))
        return send(400, {
          message: 'Invalid Form Body',
          code: 50035,
          errors: {
            nonce: {
              _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }],
            },
          },
        });
      const nonceKey = `${auth ?? ''} ${String(nonce)}`;
      const earlier = nonce === undefined ? undefined : nonces.get(nonceKey);
      if (payload['enforce_nonce'] === true && earlier && Date.now() - earlier.at < NONCE_WINDOW_MS) {
        const existing = messages.get(earlier.id);
        if (existing) return send(200, { ...view(existing), nonce });
      }
      const attached = attachmentsOf(payload, files);
      if ('error' in attached) return fail(attached.error);
      const empty =
        !payload['content'] &&
        !(Array.isArray(payload['embeds']) && payload['embeds'].length > 0) &&
        attached.list.length === 0;
      if (empty) return fail(DISCORD_ERRORS.emptyMessage);
      const created = newMessage(snowflake(), channelId);
      created.attachments = attached.list;
      if (nonce !== undefined) nonces.set(nonceKey, { id: created.id, at: Date.now() });
      return send(200, { ...edit(created, payload, false), ...(nonce !== undefined ? { nonce } : {}) });
    }
    const message = messages.get(parts[3] ?? '');
    if (!message || message.channel_id !== channelId) return fail(DISCORD_ERRORS.unknownMessage);
    // PATCH /channels/{channel}/messages/{id}
    if (parts.length === 4 && method === 'PATCH') return send(200, edit(message, payload));
    // POST /channels/{channel}/messages/{id}/threads
    if (parts[4] === 'threads' && method === 'POST') {
      if (threads.has(message.id))
        return send(400, { message: 'A thread has already been created for this message', code: 160004 });
      threads.add(message.id);
      return send(201, {
        id: message.id,
        type: 11,
        guild_id: guildId,
        parent_id: channelId,
        name: payload['name'],
      });
    }
    return false;
  };
}
