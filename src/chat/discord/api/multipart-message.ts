// A message with one file, encoded the way Discord takes uploads (developer docs, Reference →
// Uploading Files): multipart/form-data with the JSON body in `payload_json` and the file in
// `files[0]`, which `attachments[0].id = 0` refers to. Encoded to bytes here with Node's own FormData
// and Response and then passed through the REST client as is: handing the client a FormData breaks
// as soon as the process's global undici dispatcher comes from another undici version than the
// client's (serve loads the probes' undici first), and the upload then fails with "action is not a
// function" inside undici.
import type { DiscordMessage } from '../render/message.js';

export interface EncodedUpload {
  body: Buffer;
  contentType: string;
}

export async function multipartMessage(
  message: DiscordMessage,
  file: { name: string; content: string; contentType: string },
): Promise<EncodedUpload> {
  const form = new FormData();
  form.append('payload_json', JSON.stringify({ ...message, attachments: [{ id: 0, filename: file.name }] }));
  form.append('files[0]', new Blob([file.content], { type: file.contentType }), file.name);
  const encoded = new Response(form);
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type') ?? 'multipart/form-data',
  };
}
