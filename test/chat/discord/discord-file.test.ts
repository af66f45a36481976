// A timeline file reaches Discord as its API takes uploads (multipart: `payload_json` + `files[0]`),
// also when the process's global undici dispatcher is the project's undici 7 rather than the REST
// client's own undici: `check502 serve` loads the probes first, and a FormData handed to the client
// then failed inside undici ("action is not a function") and no file was ever posted.
import { pino } from 'pino';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterEach, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/chat/discord/api/rest-client.js';
import { createDiscordSink } from '../../../src/chat/discord/discord-sink.js';
import { startFakeDiscordApi } from '../../fakes/discord-api/server.js';
import { DISCORD_ERRORS } from '../../fakes/discord-api/shapes.js';

const before = getGlobalDispatcher();
afterEach(() => setGlobalDispatcher(before));

it('posts the file in the thread, through a global dispatcher from another undici', async () => {
  setGlobalDispatcher(new Agent());
  const api = await startFakeDiscordApi();
  try {
    const rest = createDiscordRest({
      botToken: 'bot-token',
      apiUrl: api.apiUrl,
      timeoutMs: 3000,
      retries: 0,
    });
    const sink = createDiscordSink({ rest, logger: pino({ level: 'silent' }) });
    const thread = { platform: 'discord' as const, channel: '1100000000000000777', root: '42', thread: '42' };
    const markdown = `# Incident a.example.com#1\n\n| time | event |\n| --- | --- |\n| 13:00 | ✅ recovered |\n`;
    await sink.postFile(
      { channel: thread.channel, thread },
      {
        name: 'timeline-a.example.com-1.md',
        title: 'Timeline of a.example.com#1 (resolved)',
        content: markdown,
      },
    );
    const [posted] = api.messagesIn('42');
    expect(posted?.content).toBe('Timeline of a.example.com#1 (resolved)');
    expect(posted?.attachments).toEqual([
      expect.objectContaining({
        filename: 'timeline-a.example.com-1.md',
        content_type: 'text/markdown',
        size: Buffer.byteLength(markdown),
        text: markdown,
      }),
    ]);

    // The fake answers as Discord does when a thread is gone: the sink reports it, nothing hangs.
    api.failWith(/\/channels\/43\//, DISCORD_ERRORS.unknownChannel);
    await expect(
      sink.postFile({ channel: '43' }, { name: 'x.md', title: 'x', content: 'x' }),
    ).rejects.toThrow(/x\.md in 43/);
  } finally {
    await api.close();
  }
});

it('the fake refuses uploads the real API refuses: an attachment without its file part', async () => {
  const api = await startFakeDiscordApi();
  try {
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'x', attachments: [{ id: 1, filename: 'a.md' }] }));
    form.append('files[0]', new Blob(['# a']), 'a.md');
    const response = await fetch(`${api.apiUrl}/v10/channels/42/messages`, {
      method: 'POST',
      headers: { authorization: 'Bot t' },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 50035 });
  } finally {
    await api.close();
  }
});
