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
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DiscordCall {
  method: string;
  /** Path after `/api/v10`, with the interaction token replaced by `:token`. */
  route: string;
  path: string;
  /** The `Authorization` header ("Bot <token>"), when one was sent. */
  auth?: string;
  body: unknown;
  status: number;
  at: number;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  edits: number;
  /** Files uploaded with the message (multipart), with their text for assertions. */
  attachments: FakeAttachment[];
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  content_type: string;
  url: string;
  /** The file's bytes as UTF-8 (the fake keeps them; Discord serves them at `url`). */
  text: string;
}

type ErrorSpec = { status: number; code: number; message: string };

/** The bot user the fake's `GET /users/@me` answers with. */
export const BOT_USER_ID = '1300000000000000001';

export const DISCORD_ERRORS = {
  unknownChannel: { status: 404, code: 10003, message: 'Unknown Channel' },
  unknownMessage: { status: 404, code: 10008, message: 'Unknown Message' },
  unknownWebhook: { status: 404, code: 10015, message: 'Unknown Webhook' },
  missingAccess: { status: 403, code: 50001, message: 'Missing Access' },
  missingPermissions: { status: 403, code: 50013, message: 'Missing Permissions' },
  invalidFormBody: { status: 400, code: 50035, message: 'Invalid Form Body' },
  emptyMessage: { status: 400, code: 50006, message: 'Cannot send an empty message' },
  tooLarge: { status: 413, code: 40005, message: 'Request entity too large' },
} as const satisfies Record<string, ErrorSpec>;

export interface FakeDiscordApi {
  /** Give as DISCORD_API_URL / apiUrl (the client appends `/v10`). */
  apiUrl: string;
  guildId: string;
  calls: DiscordCall[];
  messages: Map<string, FakeMessage>;
  /** Makes an interaction token known: its deferred response lives in `channelId`. */
  addInteraction(token: string, channelId: string): void;
  /** The next `times` requests whose route matches answer 429 with `Retry-After: seconds`. */
  rateLimitNext(match: RegExp, seconds: number, times?: number): void;
  /** Every request whose route matches answers this Discord error (until `clearErrors`). */
  failWith(match: RegExp, error: ErrorSpec): void;
  clearErrors(): void;
  callsTo(match: RegExp, method?: string): DiscordCall[];
  messagesIn(channelId: string): FakeMessage[];
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function mixesSubcommands(options: unknown): boolean {
  if (!Array.isArray(options)) return false;
  const types = options.map((o) => (o as { type?: number }).type);
  const subs = types.filter((t) => t === 1 || t === 2).length;
  if (subs > 0 && subs < types.length) return true;
  return options.some((o) => mixesSubcommands((o as { options?: unknown }).options));
}

export async function startFakeDiscordApi(): Promise<FakeDiscordApi> {
  const calls: DiscordCall[] = [];
  const messages = new Map<string, FakeMessage>();
  const interactions = new Map<string, { channelId: string; messageId: string }>();
  const threads = new Set<string>();
  const texts = new WeakMap<File, string>();
  const rateLimits: { match: RegExp; seconds: number; times: number }[] = [];
  const errors: { match: RegExp; error: ErrorSpec }[] = [];
  const guildId = '900000000000000001';
  /** `${author} ${nonce}` → the message it created and when. */
  const nonces = new Map<string, { id: string; at: number }>();
  const NONCE_WINDOW_MS = 5 * 60_000;
  let seq = 0n;
  const snowflake = () => String(1_300_000_000_000_000_000n + ++seq);

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
      const form = await readForm(bytes, type).catch(() => undefined);
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
    const send = (status: number, value?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      if (value === undefined) {
        res.writeHead(status, headers); // 204: no JSON content type, like Discord
        res.end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
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

    if (parts[0] === 'channels' && parts[2] === 'messages') {
      const channelId = parts[1] ?? '';
      // POST /channels/{channel}/messages
      if (parts.length === 3 && method === 'POST') {
        const nonce = payload['nonce'];
        if (
          nonce !== undefined &&
          (typeof nonce === 'string' ? nonce.length > 25 : typeof nonce !== 'number')
        )
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
    }

    // PUT /applications/{app}/commands and /applications/{app}/guilds/{guild}/commands
    if (parts[0] === 'applications' && parts[parts.length - 1] === 'commands' && method === 'PUT') {
      const list = Array.isArray(body) ? body : [];
      // Discord refuses subcommands beside plain options at one level (50035 Invalid Form Body).
      if (list.some((command) => mixesSubcommands((command as { options?: unknown }).options)))
        return fail(DISCORD_ERRORS.invalidFormBody);
      return send(
        200,
        list.map((command) => ({ ...(command as object), id: snowflake(), application_id: parts[1] })),
      );
    }
    return send(404, { message: '404: Not Found', code: 0 });
  });

  function newMessage(id: string, channelId: string): FakeMessage {
    const message: FakeMessage = {
      id,
      channel_id: channelId,
      content: '',
      embeds: [],
      components: [],
      edits: -1,
      attachments: [],
    };
    messages.set(id, message);
    return message;
  }

  /** The files a message carries: each `attachments[]` entry must name an uploaded `files[id]` part. */
  function attachmentsOf(
    payload: Record<string, unknown>,
    files: Map<string, File> | undefined,
  ): { list: FakeAttachment[] } | { error: ErrorSpec } {
    const list: FakeAttachment[] = [];
    if (!files || files.size === 0) return { list };
    const declared = Array.isArray(payload['attachments']) ? payload['attachments'] : [];
    const parts = [...files.entries()];
    for (const [field, file] of parts) {
      if (file.size > 10 * 1024 * 1024) return { error: DISCORD_ERRORS.tooLarge };
      const index = /^files\[(\d+)\]$/.exec(field)?.[1] ?? (field === 'file' ? '0' : undefined);
      if (index === undefined) return { error: DISCORD_ERRORS.invalidFormBody };
      const entry = declared.find(
        (a): a is Record<string, unknown> =>
          typeof a === 'object' && a !== null && String((a as Record<string, unknown>)['id']) === index,
      );
      const id = snowflake();
      const filename = typeof entry?.['filename'] === 'string' ? entry['filename'] : file.name;
      list.push({
        id,
        filename,
        size: file.size,
        content_type: file.type.split(';')[0] ?? '',
        url: `https://cdn.discordapp.com/attachments/0/${id}/${encodeURIComponent(filename)}`,
        text: texts.get(file) ?? '',
      });
    }
    for (const a of declared) {
      const id = typeof a === 'object' && a !== null ? String((a as Record<string, unknown>)['id']) : '';
      if (!files.has(`files[${id}]`) && !(id === '0' && files.has('file')))
        return { error: DISCORD_ERRORS.invalidFormBody };
    }
    return { list };
  }

  /** multipart/form-data as Discord reads it: `payload_json` is the body, the rest are files. */
  async function readForm(bytes: Buffer, type: string) {
    const form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
    const files = new Map<string, File>();
    let body: unknown = {};
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        if (name === 'payload_json') body = JSON.parse(value);
        continue;
      }
      files.set(name, value);
      texts.set(value, await value.text());
    }
    return { body, files };
  }

  function edit(message: FakeMessage, payload: Record<string, unknown>, isEdit = true) {
    if (typeof payload['content'] === 'string') message.content = payload['content'];
    if (Array.isArray(payload['embeds'])) message.embeds = payload['embeds'];
    if (Array.isArray(payload['components'])) message.components = payload['components'];
    message.edits += isEdit ? 1 : 0;
    if (!isEdit) message.edits = 0;
    return view(message);
  }

  function view(message: FakeMessage) {
    const { attachments, ...rest } = message;
    return {
      ...rest,
      attachments: attachments.map(({ text: _text, ...a }) => ({ ...a, proxy_url: a.url })),
      type: 0,
      author: { id: '1', username: 'check502', bot: true },
    };
  }

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
