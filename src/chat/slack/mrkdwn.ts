// Slack mrkdwn escaping: user-controlled text (what origins send, what users type) must not turn
// into mentions, links or broken formatting.

/** Escapes the three characters Slack treats as control characters in mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text for inside a ``` block: escaped, and unable to close the block early. */
export function escapeCode(text: string): string {
  return escapeMrkdwn(text).replace(/`{3,}/g, (m) => m.split('').join('\u200b'));
}

/** Inline code for a finding code (codes are [a-z_.] only, but do not trust that here). */
export function inlineCode(text: string): string {
  return `\`${escapeMrkdwn(text).replace(/`/g, "'")}\``;
}

/** A user mention when the id looks like a Slack user id, else the escaped text. */
export function mention(user: string): string {
  return /^[UW][A-Z0-9]{2,30}$/.test(user) ? `<@${user}>` : escapeMrkdwn(user);
}
