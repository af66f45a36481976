// Posts to a slash command's or button's `response_url` (ephemeral by default). Valid 30 minutes,
// up to 5 posts; used for messages the channel cannot receive from the bot (not invited, errors).
// The URL arrives in the request, so it is not trusted: only Slack's hooks host (its /commands/
// and /actions/ paths, over https) or the origin of the configured SLACK_API_URL (tests, private
// Slack proxies) is posted to, and the hooks host only through the private-address guard.
import { Agent, fetch } from 'undici';
import type { AddressPolicy } from '../../diagnosis/ports.js';
import { createAddressPolicy } from '../../probes/address-policy.js';
import { guardedLookup, type ResolveAll } from '../../probes/guarded-lookup.js';

export interface Ephemeral {
  text: string;
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export const SLACK_HOOKS_ORIGIN = 'https://hooks.slack.com';

export interface ResponseUrlGuard {
  allows(url: string): boolean;
  /** How a post to `url` connects (the guarded agent for Slack's host, plain for the configured API). */
  dispatcherFor(url: URL): Agent | undefined;
}

export function responseUrlGuard(
  options: { apiUrl?: string; policy?: AddressPolicy; resolve?: ResolveAll } = {},
): ResponseUrlGuard {
  const configured = options.apiUrl === undefined ? undefined : originOf(options.apiUrl);
  const guarded = new Agent({
    connect: { lookup: guardedLookup(options.policy ?? createAddressPolicy([]), options.resolve) },
  });
  return {
    allows(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return false;
      }
      if (parsed.username !== '' || parsed.password !== '') return false;
      if (parsed.origin === SLACK_HOOKS_ORIGIN) return /^\/(commands|actions)\//.test(parsed.pathname);
      return configured !== undefined && parsed.origin === configured;
    },
    dispatcherFor: (url) => (url.origin === SLACK_HOOKS_ORIGIN ? guarded : undefined),
  };
}

export async function postToResponseUrl(
  url: string,
  message: Ephemeral,
  guard: ResponseUrlGuard,
  timeoutMs = 5000,
): Promise<void> {
  if (!guard.allows(url)) throw new Error('response_url is not a Slack response URL; not posted');
  const parsed = new URL(url);
  const dispatcher = guard.dispatcherFor(parsed);
  const response = await fetch(parsed, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', ...message }),
    signal: AbortSignal.timeout(timeoutMs),
    ...(dispatcher ? { dispatcher } : {}),
  }).catch((error: unknown) => {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `response_url not reached: ${cause?.code === 'EGUARDED' ? `guarded (${cause.message})` : String(cause?.message ?? error)}`,
    );
  });
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`response_url answered ${response.status}`);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
