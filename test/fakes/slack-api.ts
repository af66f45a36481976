// Loopback fake of Slack's Web API (`/api/<method>`, form-urlencoded, Bearer token, JSON answers)
// plus a `response_url` sink. Records every call; can answer 429 with Retry-After, 5xx, or a
// platform error such as `not_in_channel`, for the next N calls of a method. Posted messages are kept
// per channel with their `metadata`, and conversations.history reads them back as Slack does: newest
// first, `oldest` exclusive, `limit` + `response_metadata.next_cursor` pages, and the metadata's
// `event_payload` only with `include_all_metadata` (https://docs.slack.dev/messaging/message-metadata;
// without the flag the fake leaves `metadata` out, the stricter reading). A held chat.postMessage
// (holdPosts) is stored only when it is answered: a post in flight is invisible to history, as a
// post still travelling to Slack is.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  at: number;
  /** What the fake answered (ok, ts, error…). */
  result?: Record<string, unknown>;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export type Failure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string };

/** A file uploaded through files.getUploadURLExternal + the upload URL + files.completeUploadExternal. */
export interface SlackUpload {
  id: string;
  filename: string;
  content: string;
  /** Where files.completeUploadExternal shared it (undefined until then). */
  channel?: string;
  threadTs?: string;
  title?: string;
}

export interface FakeSlackApi {
  uploads: SlackUpload[];
  /** Web API base to give as SLACK_API_URL / slackApiUrl. */
  apiUrl: string;
  /** A response_url whose posts are recorded under `id`. */
  responseUrl(id: string): string;
  calls: SlackCall[];
  responses: ResponseUrlPost[];
  /** The next `times` calls of `method` fail as described. */
  failNext(method: string, failure: Failure, times?: number): void;
  /** Every postMessage to this channel answers `not_in_channel`. */
  blockChannel(channel: string): void;
  /**
   * The next `times` top-level chat.postMessage calls (roots, storm messages) wait for `until`
   * before they are stored and answered: a slow post still in flight.
   */
  holdPosts(until: Promise<unknown>, times?: number): void;
  /** conversations.history answers `missing_scope` (a bot installed without channels:history). */
  denyHistory(): void;
  callsOf(method: string): SlackCall[];
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: SlackCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const failures = new Map<string, { failure: Failure; times: number }[]>();
  const blocked = new Set<string>();
  let historyDenied = false;
  const holds: { until: Promise<unknown>; times: number }[] = [];
  const posted = new Map<string, { ts: string; text: unknown; metadata?: unknown; thread_ts?: string }[]>();
  let seq = 0;
  const uploads: SlackUpload[] = [];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let current: SlackCall | undefined;
    const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      if (current) current.result = { status, ...body };
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/respond/')) {
      responses.push({
        id: url.pathname.slice('/respond/'.length),
        body: JSON.parse(raw || '{}'),
        at: Date.now(),
      });
      return send(200, { ok: true });
    }
    if (url.pathname.startsWith('/upload/')) {
      const upload = uploads.find((u) => u.id === url.pathname.slice('/upload/'.length));
      if (!upload) return send(404, { ok: false, error: 'unknown_upload' });
      upload.content = raw;
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(`OK - ${raw.length}`);
    }
    if (!url.pathname.startsWith('/api/')) return send(404, { ok: false, error: 'unknown_path' });
    const method = url.pathname.slice('/api/'.length);
    const args: Record<string, unknown> = {};
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/json')) Object.assign(args, JSON.parse(raw || '{}'));
    else {
      for (const [key, value] of new URLSearchParams(raw)) {
        args[key] = ['blocks', 'attachments', 'metadata'].includes(key) ? JSON.parse(value) : value;
      }
    }
    const auth = req.headers.authorization;
    const call: SlackCall = { method, args, at: Date.now() };
    if (auth?.startsWith('Bearer ')) call.token = auth.slice(7);
    calls.push(call);
    current = call;
    if (!call.token) return send(200, { ok: false, error: 'not_authed' });

    const queue = failures.get(method);
    const next = queue?.[0];
    if (next) {
      next.times--;
      if (next.times <= 0) queue.shift();
      const f = next.failure;
      if ('error' in f) return send(200, { ok: false, error: f.error });
      if (f.status === 429)
        return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(f.retryAfter) });
      return send(f.status, { ok: false, error: 'internal_error' });
    }
    const channel = String(args['channel'] ?? '');
    switch (method) {
      case 'auth.test':
        return send(200, {
          ok: true,
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
          team_id: 'T0TEAM',
          user: 'check502',
        });
      case 'chat.postMessage': {
        if (blocked.has(channel)) return send(200, { ok: false, error: 'not_in_channel' });
        // Slack refuses metadata without a string event_type and an object event_payload.
        const meta = args['metadata'] as { event_type?: unknown; event_payload?: unknown } | undefined;
        if (
          meta !== undefined &&
          (typeof meta !== 'object' ||
            meta === null ||
            typeof meta.event_type !== 'string' ||
            typeof meta.event_payload !== 'object' ||
            meta.event_payload === null)
        )
          return send(200, { ok: false, error: 'invalid_metadata_format' });
        const hold = args['thread_ts'] === undefined ? holds[0] : undefined;
        if (hold) {
          if (--hold.times <= 0) holds.shift();
          await hold.until;
        }
        seq++;
        // Slack's ts is the posting time (seconds.micro), unique in the channel.
        const ts = `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
        const kept: { ts: string; text: unknown; metadata?: unknown; thread_ts?: string } = {
          ts,
          text: args['text'],
        };
        if (args['metadata'] !== undefined) kept.metadata = args['metadata'];
        if (args['thread_ts'] !== undefined) kept.thread_ts = String(args['thread_ts']);
        posted.set(channel, [...(posted.get(channel) ?? []), kept]);
        const message = { type: 'message', bot_id: 'B0BOT', app_id: 'A0APP', ts, text: args['text'] };
        return send(200, {
          ok: true,
          channel,
          ts,
          message: kept.metadata === undefined ? message : { ...message, metadata: kept.metadata },
        });
      }
      case 'conversations.history': {
        if (historyDenied)
          return send(200, { ok: false, error: 'missing_scope', needed: 'channels:history' });
        const all = args['include_all_metadata'] === true || args['include_all_metadata'] === 'true';
        const oldest = Number(args['oldest'] ?? 0);
        const limit = Math.min(Number(args['limit'] ?? 100) || 100, 999);
        const from = Number(args['cursor'] ?? 0) || 0;
        // Channel history holds top-level messages (and broadcasts), not thread replies.
        const list = (posted.get(channel) ?? [])
          .filter((m) => m.thread_ts === undefined && Number(m.ts) > oldest)
          .reverse();
        const page = list.slice(from, from + limit).map((m) => {
          const metadata = m.metadata === undefined || !all ? {} : { metadata: m.metadata };
          return { type: 'message', bot_id: 'B0BOT', app_id: 'A0APP', text: m.text, ts: m.ts, ...metadata };
        });
        const more = from + limit < list.length;
        return send(200, {
          ok: true,
          messages: page,
          has_more: more,
          response_metadata: { next_cursor: more ? String(from + limit) : '' },
        });
      }
      case 'chat.update':
        return send(200, { ok: true, channel, ts: args['ts'], text: args['text'] });
      // Slack's documented upload flow: a one-time upload URL, the bytes POSTed there, then sharing.
      case 'files.getUploadURLExternal': {
        const id = `F${String(uploads.length + 1).padStart(8, '0')}`;
        uploads.push({ id, filename: String(args['filename'] ?? ''), content: '' });
        return send(200, { ok: true, upload_url: `http://127.0.0.1:${portOf()}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const files = JSON.parse(String(args['files'] ?? '[]')) as Array<{ id: string; title?: string }>;
        for (const file of files) {
          const upload = uploads.find((u) => u.id === file.id);
          if (!upload) return send(200, { ok: false, error: 'file_not_found' });
          upload.channel = String(args['channel_id'] ?? '');
          if (args['thread_ts'] !== undefined) upload.threadTs = String(args['thread_ts']);
          if (file.title !== undefined) upload.title = file.title;
        }
        return send(200, { ok: true, files: files.map((f) => ({ id: f.id })) });
      }
      default:
        return send(200, { ok: true });
    }
  });
  const portOf = () => (server.address() as AddressInfo).port;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/respond/${encodeURIComponent(id)}`,
    calls,
    responses,
    uploads,
    failNext(method, failure, times = 1) {
      failures.set(method, [...(failures.get(method) ?? []), { failure, times }]);
    },
    blockChannel: (channel) => blocked.add(channel),
    holdPosts(until, times = 1) {
      holds.push({ until, times });
    },
    denyHistory: () => {
      historyDenied = true;
    },
    callsOf: (method) => calls.filter((c) => c.method === method),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`fake Slack: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
