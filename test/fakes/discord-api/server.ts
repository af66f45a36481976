// Loopback fake of the parts of Discord's REST API check502 uses, under `/api/v10/...`: interaction
// callbacks, the interaction's @original message, channel messages, threads started from a message,
// and command registration. Records every call; on demand answers 429 (with `Retry-After` and the
// body's `retry_after`), or Discord's JSON errors such as 10003 Unknown Channel and 50013 Missing
// Permissions. Its 204s carry no JSON content type, as the real API's do. Creating a message honours
// `nonce` + `enforce_nonce` as Discord documents them: a nonce is at most 25 characters (longer is
// 50035 Invalid Form Body), and with `enforce_nonce: true` a nonce the same author used in the past
// few minutes (five here) returns that message instead of creating another (discord-api-types
// RESTPostAPIChannelMessageJSONBody.enforce_nonce; discord.com/developers/docs/resources/message).
// A message with files is taken as Discord takes it (developer docs, Reference → Uploading Files):
// multipart/form-data with the JSON body in `payload_json` and each file in `files[n]`, referenced by
// `attachments[].id`; an attachment without its part is 400 50035, a file over 10 MiB 413 40005,
// nothing at all 50006.
// This file: the server, the call log, rate limits and errors on demand, the bot user, interaction
// callbacks and @original; channel messages in channel-messages.ts (files in message-store.ts),
// command registration in commands.ts.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelMessages } from './channel-messages.js';
import { registerCommands } from './commands.js';
import { createMessageStore } from './message-store.js';
import {
  BOT_USER_ID,
  DISCORD_ERRORS,
  type DiscordCall,
  type ErrorSpec,
  type FakeDiscordApi,
} from './shapes.js';

export async function startFakeDiscordApi(): Promise<FakeDiscordApi> {
  const calls: DiscordCall[] = [];
  const interactions = new Map<string, { channelId: string; messageId: string }>();
  const rateLimits: { match: RegExp; seconds: number; times: number }[] = [];
  const errors: { match: RegExp; error: ErrorSpec }[] = [];
  const guildId = '900000000000000001';
  let seq = 0n;
  const snowflake = () => String(1_300_000_000_000_000_000n + ++seq);
  const store = createMessageStore(snowflake);
  const { messages, newMessage, edit } = store;
  const channelMessages = createChannelMessages(store, snowflake, guildId);

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    const method = req.method ?? 'GET';
    // Discord reads `/users/%40me` (as the client sends it) as `/users/@me`.
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname).replace(
      /^\/api\/v10/,
      '',
    );
    const route = path
      .replace(/^(\/webhooks\/\d+\/)[^/]+/, '$1:token')
      .replace(/^(\/interactions\/\d+\/)[^/]+/, '$1:token');
    let body: unknown;
    let files: Map<string, File> | undefined;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      // A form Discord cannot read is a 400 (answered below, once `fail` exists).
      const form = await store.readForm(bytes, type).catch(() => undefined);
      body = form?.body ?? { __unreadableForm: true };
      files = form?.files;
    } else {
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const call: DiscordCall = { method, route, path, body, status: 0, at: Date.now() };
    const auth = req.headers.authorization;
    if (auth !== undefined) call.auth = auth;
    calls.push(call);
    const send = (status: number, value?: unknown, headers: Record<string, string> = {}): true => {
      call.status = status;
      if (value === undefined) {
        res.writeHead(status, headers); // 204: no JSON content type, like Discord
        res.end();
        return true;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
      return true;
    };
    const fail = (error: ErrorSpec) => send(error.status, { message: error.message, code: error.code });

    const limited = rateLimits.find((r) => r.times > 0 && r.match.test(route));
    if (limited) {
      limited.times--;
      return send(
        429,
        { message: 'You are being rate limited.', retry_after: limited.seconds, global: false },
        { 'retry-after': String(limited.seconds), 'x-ratelimit-scope': 'user' },
      );
    }
    if ((body as Record<string, unknown> | undefined)?.['__unreadableForm'])
      return fail(DISCORD_ERRORS.invalidFormBody);
    const failing = errors.find((e) => e.match.test(route));
    if (failing) return fail(failing.error);

    const parts = path.split('/').filter((p) => p !== '');
    const needsBot = parts[0] === 'channels' || parts[0] === 'applications' || parts[0] === 'users';
    if (needsBot && !auth?.startsWith('Bot ')) return send(401, { message: '401: Unauthorized', code: 0 });
    const payload = (body ?? {}) as Record<string, unknown>;

    // GET /users/@me: the bot's own user
    if (parts[0] === 'users' && parts[1] === '@me' && parts.length === 2 && method === 'GET')
      return send(200, {
        id: BOT_USER_ID,
        username: 'check502',
        discriminator: '0',
        global_name: null,
        avatar: null,
        bot: true,
      });

    // POST /interactions/{id}/{token}/callback
    if (parts[0] === 'interactions' && parts[3] === 'callback' && method === 'POST') return send(204);

    // PATCH /webhooks/{app}/{token}/messages/@original
    if (
      parts[0] === 'webhooks' &&
      parts[3] === 'messages' &&
      parts[4] === '@original' &&
      method === 'PATCH'
    ) {
      const known = interactions.get(parts[2] ?? '');
      if (!known) return fail(DISCORD_ERRORS.unknownWebhook);
      const existing = messages.get(known.messageId);
      const message = existing ?? newMessage(known.messageId, known.channelId);
      return send(200, edit(message, payload));
    }

    if (
      parts[0] === 'channels' &&
      parts[2] === 'messages' &&
      channelMessages({ parts, method, payload, files, auth, send, fail })
    )
      return;

    // PUT /applications/{app}/commands and /applications/{app}/guilds/{guild}/commands
    if (parts[0] === 'applications' && parts[parts.length - 1] === 'commands' && method === 'PUT') {
      return registerCommands(parts, body, snowflake, send, fail);
    }
    return send(404, { message: '404: Not Found', code: 0 });
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    guildId,
    calls,
    messages,
    addInteraction(token, channelId) {
      interactions.set(token, { channelId, messageId: snowflake() });
    },
    rateLimitNext(match, seconds, times = 1) {
      rateLimits.push({ match, seconds, times });
    },
    failWith(match, error) {
      errors.push({ match, error });
    },
    clearErrors() {
      errors.length = 0;
    },
    callsTo(match, method) {
      return calls.filter((c) => match.test(c.route) && (method === undefined || c.method === method));
    },
    messagesIn(channelId) {
      return [...messages.values()].filter((m) => m.channel_id === channelId);
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('fake Discord API: condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}
