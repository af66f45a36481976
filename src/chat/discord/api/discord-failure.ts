// Sorts what Discord answered into the one DeliveryError vocabulary: "try again later", "this
// message will never be accepted", "this channel takes nothing from us" (a deleted thread stays
// deleted), with a hint a human can act on when a permission is missing.
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { DeliveryError } from '../../delivery-error.js';

export const PERMISSION_HINT =
  'grant the check502 bot "View Channel", "Send Messages", "Create Public Threads", "Send Messages in Threads" and "Embed Links" in this channel';

export function discordErrorCode(error: unknown): number | undefined {
  if (error instanceof DeliveryError) {
    const code = /^discord_(\d+)$/.exec(error.reason)?.[1];
    return code === undefined ? undefined : Number(code);
  }
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
export function deliveryError(what: string, error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const code = discordErrorCode(error);
  const reason = `discord_${code ?? 'error'}`;
  // No `cause`: the library's errors carry the request URL (an interaction token) and body.
  const failure = (message: string, kind: DeliveryError['kind'], why = reason) =>
    new DeliveryError(`${what}: ${message}`, 'discord', kind, why);
  if (isMissingAccess(error))
    return failure(`missing permission (${code}); ${PERMISSION_HINT}`, 'unreachable');
  if (isGone(error))
    return failure(`the channel, thread or message is gone or locked (${code})`, 'unreachable');
  if (error instanceof DiscordAPIError) {
    const transient = error.status >= 500 || error.status === 429;
    return failure(
      `Discord answered ${error.status} (${code ?? error.code}) ${error.message}`,
      transient ? 'transient' : 'rejected',
    );
  }
  if (error instanceof RateLimitError)
    return failure(`rate limited for ${Math.ceil(error.retryAfter / 1000)} s`, 'transient', 'ratelimited');
  if (error instanceof HTTPError)
    return failure(
      `Discord answered ${error.status}`,
      error.status >= 500 ? 'transient' : 'rejected',
      `http_${error.status}`,
    );
  const message = (error instanceof Error ? error.message : String(error)).replace(
    /(\/webhooks\/\d+\/)[^/\s]+/g,
    '$1[token]',
  );
  return failure(message, 'transient', 'request_error');
}
