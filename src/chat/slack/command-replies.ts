// What /check502 answers the requester (ephemeral), as pure functions of the outcome.
import { escapeMrkdwn } from './mrkdwn.js';

export const USAGE = [
  '*Usage:* `/check502 <site>` — e.g. `/check502 shop.example.com` or `/check502 https://shop.example.com/cart`',
  'I check DNS, the Cloudflare edge, the Cloudflare API and the origin, then post the findings in a thread here.',
].join('\n');

export function invalidReply(reason: string): string {
  return `:x: I can't check that: ${escapeMrkdwn(reason)}.\n${USAGE}`;
}

export function queuedReply(site: string): string {
  return `Diagnosing ${escapeMrkdwn(site)}… the findings will appear in a thread in this channel.`;
}

export function joinedReply(site: string, link: string | undefined): string {
  return link
    ? `A diagnosis of ${escapeMrkdwn(site)} is already running — see <${link}|its thread>.`
    : `A diagnosis of ${escapeMrkdwn(site)} is already running; its thread will appear in this channel in a moment.`;
}

export const UNAVAILABLE_REPLY = ":warning: I can't queue the diagnosis right now; try again in a minute.";
