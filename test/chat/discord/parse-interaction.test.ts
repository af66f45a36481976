// Discord's command shapes become the text a Slack user would type after /check502, so one front
// serves both: options in order, subcommands (and groups) named first.
import { ApplicationCommandOptionType, InteractionType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { parseInteraction } from '../../../src/chat/discord/parse-interaction.js';

const command = (options: unknown[]) =>
  Buffer.from(
    JSON.stringify({
      type: InteractionType.ApplicationCommand,
      id: '1',
      application_id: '2',
      token: 't',
      channel_id: '3',
      data: { name: 'check502', options },
    }),
  );

describe('parseInteraction', () => {
  it('reads /check502 site:<site> as the site alone', () => {
    const parsed = parseInteraction(
      command([{ type: ApplicationCommandOptionType.String, name: 'site', value: 'shop.example.com' }]),
    );
    expect(parsed).toMatchObject({ kind: 'command', name: 'check502', text: 'shop.example.com' });
    expect(parsed).not.toHaveProperty('subcommand');
  });

  it('names a subcommand and keeps its options in order, and a group with its subcommand', () => {
    const watch = parseInteraction(
      command([
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'watch',
          options: [
            { type: ApplicationCommandOptionType.String, name: 'site', value: 'a.example.com' },
            { type: ApplicationCommandOptionType.String, name: 'duration', value: '10m' },
          ],
        },
      ]),
    );
    expect(watch).toMatchObject({ subcommand: 'watch', text: 'a.example.com 10m' });
    const monitor = parseInteraction(
      command([
        {
          type: ApplicationCommandOptionType.SubcommandGroup,
          name: 'monitor',
          options: [
            {
              type: ApplicationCommandOptionType.Subcommand,
              name: 'add',
              options: [{ type: ApplicationCommandOptionType.String, name: 'site', value: 'a.example.com' }],
            },
          ],
        },
      ]),
    );
    expect(monitor).toMatchObject({ subcommand: 'monitor', text: 'add a.example.com' });
  });

  it('reads a subcommand without options (monitor list), whether or not Discord sends an empty options array', () => {
    for (const list of [
      { type: ApplicationCommandOptionType.Subcommand, name: 'list' },
      { type: ApplicationCommandOptionType.Subcommand, name: 'list', options: [] },
    ]) {
      const parsed = parseInteraction(
        command([{ type: ApplicationCommandOptionType.SubcommandGroup, name: 'monitor', options: [list] }]),
      );
      expect(parsed).toMatchObject({ subcommand: 'monitor', text: 'list' });
    }
  });
});
