// Slack's file upload (files.upload is retired): files.getUploadURLExternal for an upload URL, the
// bytes POSTed there, then files.completeUploadExternal shares the file in the channel or thread.
// Failures are DeliveryErrors classified like every other Slack call.
import type { webApi } from '@slack/bolt';
import { DeliveryError } from '../delivery-error.js';
import type { ThreadRef } from '../sink.js';
import { classify, slackFailure } from './outbox.js';

export async function uploadFile(
  client: Pick<InstanceType<typeof webApi.WebClient>, 'apiCall'>,
  where: { channel: string; thread?: ThreadRef },
  file: { name: string; title: string; content: string },
): Promise<void> {
  const bytes = Buffer.from(file.content, 'utf8');
  try {
    const ticket = (await client.apiCall('files.getUploadURLExternal', {
      filename: file.name,
      length: bytes.length,
    })) as unknown as Record<string, unknown>;
    const url = ticket['upload_url'];
    const id = ticket['file_id'];
    if (typeof url !== 'string' || typeof id !== 'string')
      throw slackFailure('files.getUploadURLExternal returned no upload_url', {
        reason: 'no_upload_url',
        transient: true,
      });
    const uploaded = await fetch(url, { method: 'POST', body: bytes, signal: AbortSignal.timeout(15_000) });
    if (!uploaded.ok)
      throw slackFailure('the file upload failed', { reason: `http_${uploaded.status}`, transient: true });
    const share: Record<string, unknown> = {
      files: JSON.stringify([{ id, title: file.title }]),
      channel_id: where.thread?.channel ?? where.channel,
    };
    if (where.thread) share['thread_ts'] = where.thread.root;
    await client.apiCall('files.completeUploadExternal', share);
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw slackFailure(`uploading ${file.name} failed`, classify(error));
  }
}
