// Posts to a slash command's or button's `response_url` (ephemeral by default). Valid 30 minutes,
// up to 5 posts; used for messages the channel cannot receive from the bot (not invited, errors).
export interface Ephemeral {
  text: string;
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export async function postToResponseUrl(url: string, message: Ephemeral, timeoutMs = 5000): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error('response_url is not http(s)');
  const response = await fetch(parsed, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', ...message }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`response_url answered ${response.status}`);
}
