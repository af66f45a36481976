// What the fake Discord API (server.ts) records and answers with: the calls, the messages and their
// attachments, the Discord errors it can be told to answer, and the handle a test drives it through.

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

export type ErrorSpec = { status: number; code: number; message: string };

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
