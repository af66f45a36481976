// The fake Discord API's messages: creating, editing and viewing them as Discord answers them, and
// the files a message carries (multipart/form-data as Discord reads it, developer docs, Reference →
// Uploading Files: the JSON body in `payload_json`, each file in `files[n]`, referenced by
// `attachments[].id`; an attachment without its part is 400 50035, a file over 10 MiB 413 40005).

import { DISCORD_ERRORS, type ErrorSpec, type FakeAttachment, type FakeMessage } from './shapes.js';

export type MessageStore = ReturnType<typeof createMessageStore>;

export function createMessageStore(snowflake: () => string) {
  const messages = new Map<string, FakeMessage>();
  const texts = new WeakMap<File, string>();

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

  return { messages, newMessage, attachmentsOf, readForm, edit, view };
}
