// Sorts what Discord answered into "try again later" and "will never work": the latter must not
// be retried (a deleted thread stays deleted), and carries a hint a human can act on.
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';

export const PERMISSION_HINT =
  'grant the check502 bot "View Channel", "Send Messages", "Create Public Threads", "Send Messages in Threads" and "Embed Links" in this channel';

export class DiscordDeliveryError extends Error {
  constructor(
    message: string,
    /** Transient (5xx, timeout, long rate limit): retrying later can succeed. */
    readonly retryable: boolean,
    /** Discord's JSON error code, when it sent one. */
    readonly code: number | undefined,
  ) {
    // No `cause`: the library's errors carry the request URL (an interaction token) and body,
    // and whatever logs this error must not print them.
    super(message);
    this.name = 'DiscordDeliveryError';
  }
}

export function discordErrorCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;
}

export function isMissingAccess(error: unknown): boolean {
  const code = discordErrorCode(error);
  return code === RESTJSONErrorCodes.MissingAccess || code === RESTJSONErrorCodes.MissingPermissions;
}

export function isGone(error: unknown): boolean {
  const code = discordErrorCode(error);
  return (
    code === RESTJSONErrorCodes.UnknownChannel ||
    code === RESTJSONErrorCodes.UnknownMessage ||
    code === RESTJSONErrorCodes.InvalidActionOnArchivedThread ||
    code === RESTJSONErrorCodes.ThreadLocked
  );
}

/** The interaction token expired or was never acknowledged: fall back to the bot token. */
export function isTokenDead(error: unknown): boolean {
  const code = discordErrorCode(error);
  return (
    code === RESTJSONErrorCodes.UnknownWebhook ||
    code === RESTJSONErrorCodes.InvalidWebhookToken ||
    code === RESTJSONErrorCodes.UnknownInteraction
  );
}

/** Wraps anything thrown by the REST client; never includes the request body or token. */
export function deliveryError(what: string, error: unknown): DiscordDeliveryError {
  if (error instanceof DiscordDeliveryError) return error;
  const code = discordErrorCode(error);
  if (isMissingAccess(error)) {
    return new DiscordDeliveryError(`${what}: missing permission (${code}); ${PERMISSION_HINT}`, false, code);
  }
  if (isGone(error)) {
    return new DiscordDeliveryError(
      `${what}: the channel, thread or message is gone or locked (${code})`,
      false,
      code,
    );
  }
  if (error instanceof DiscordAPIError) {
    const retryable = error.status >= 500 || error.status === 429;
    return new DiscordDeliveryError(
      `${what}: Discord answered ${error.status} (${code ?? error.code}) ${error.message}`,
      retryable,
      code,
    );
  }
  if (error instanceof RateLimitError) {
    return new DiscordDeliveryError(
      `${what}: rate limited for ${Math.ceil(error.retryAfter / 1000)} s`,
      true,
      undefined,
    );
  }
  if (error instanceof HTTPError) {
    return new DiscordDeliveryError(
      `${what}: Discord answered ${error.status}`,
      error.status >= 500,
      undefined,
    );
  }
  const message = (error instanceof Error ? error.message : String(error)).replace(
    /(\/webhooks\/\d+\/)[^/\s]+/g,
    '$1[token]',
  );
  return new DiscordDeliveryError(`${what}: ${message}`, true, undefined);
}
