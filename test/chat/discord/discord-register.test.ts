import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDiscordRegister } from '../../../src/cli/discord-register.js';
import { startFakeDiscordApi } from '../../fakes/discord-api/server.js';
import { DISCORD_ERRORS, type FakeDiscordApi } from '../../fakes/discord-api/shapes.js';
import { APP_ID, GUILD_ID } from './signing.js';

describe('check502 discord register', () => {
  let api: FakeDiscordApi;
  let out: string;
  let err: string;
  const streams = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
  };
  beforeEach(async () => {
    api = await startFakeDiscordApi();
    out = '';
    err = '';
  });
  afterEach(async () => {
    await api.close();
  });
  const env = () => ({
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_BOT_TOKEN: 'bot-token-x',
    DISCORD_API_URL: api.apiUrl,
  });

  it('registers /check502 with its subcommands, each with a required site option, in one guild', async () => {
    expect(await runDiscordRegister(['register', '--guild', GUILD_ID], env(), streams)).toBe(0);
    const [call] = api.callsTo(/commands$/, 'PUT');
    expect(call?.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(call?.auth).toBe('Bot bot-token-x');
    expect(call?.body).toEqual([
      expect.objectContaining({
        name: 'check502',
        options: [
          expect.objectContaining({
            name: 'diagnose',
            type: 1,
            options: [expect.objectContaining({ name: 'site', type: 3, required: true })],
          }),
          expect.objectContaining({
            name: 'watch',
            type: 1,
            options: [
              expect.objectContaining({ name: 'site', type: 3, required: true }),
              expect.objectContaining({ name: 'duration', type: 3 }),
            ],
          }),
          expect.objectContaining({
            name: 'monitor',
            type: 2,
            options: [
              expect.objectContaining({
                name: 'add',
                options: [
                  expect.objectContaining({ name: 'site', type: 3, required: true }),
                  expect.objectContaining({ name: 'every', type: 3 }),
                ],
              }),
              expect.objectContaining({ name: 'list' }),
              expect.objectContaining({
                name: 'remove',
                options: [expect.objectContaining({ name: 'site', type: 3, required: true })],
              }),
            ],
          }),
          expect.objectContaining({
            name: 'timeline',
            type: 1,
            options: [expect.objectContaining({ name: 'site', type: 3, required: true })],
          }),
        ],
      }),
    ]);
    expect(out).toContain(`Registered /check502 for guild ${GUILD_ID}`);
    expect(out).not.toContain('bot-token-x');
  });

  it('registers globally without --guild', async () => {
    expect(await runDiscordRegister(['register'], env(), streams)).toBe(0);
    expect(api.callsTo(/commands$/, 'PUT')[0]?.path).toBe(`/applications/${APP_ID}/commands`);
    expect(out).toContain('global');
  });

  it('explains bad arguments, missing configuration and API refusals', async () => {
    expect(await runDiscordRegister(['register', '--guild', 'abc'], env(), streams)).toBe(2);
    expect(err).toContain('--guild takes a numeric guild');
    expect(await runDiscordRegister(['register'], { DISCORD_BOT_TOKEN: 'x' }, streams)).toBe(2);
    expect(err).toContain('DISCORD_APPLICATION_ID');
    api.failWith(/commands$/, DISCORD_ERRORS.missingAccess);
    expect(await runDiscordRegister(['register', '--guild', GUILD_ID], env(), streams)).toBe(1);
    expect(err).toMatch(/50001 Missing Access.*applications\.commands/);
    expect(api.callsTo(/commands$/)).toHaveLength(1); // the refused call only; the bad-input runs sent nothing
  });
});
