// The /check502 slash command as Discord stores it, built with discord.js's SlashCommandBuilder
// (which validates names, descriptions and option limits before anything is sent). Discord does not
// let subcommands sit beside plain options, so every command is a subcommand: `/check502 diagnose
// site:<site>`, `watch site: [duration:]`, `monitor add|list|remove`, `timeline site:<site>`. Each
// arrives as the text a Slack user types (parse-interaction.ts). An interaction from the older registration (a bare
// `site` option, no subcommand) is still read as a diagnosis (discord-routes.ts).
import { SlashCommandBuilder, type SlashCommandSubcommandBuilder } from '@discordjs/builders';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { COMMAND_NAME } from './parse-interaction.js';

const siteOption = (sub: SlashCommandSubcommandBuilder, description: string) =>
  sub.addStringOption((option) =>
    option.setName('site').setDescription(description).setRequired(true).setMaxLength(2048),
  );

export function check502Command(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription('Why does this site behind Cloudflare show 502 (or 520-526, 530, 1033)?')
    .addSubcommand((sub) =>
      siteOption(
        sub.setName('diagnose').setDescription('Diagnose a site now and post the findings in a thread'),
        'Hostname or URL, e.g. shop.example.com (or "help")',
      ),
    )
    .addSubcommand((sub) =>
      siteOption(
        sub
          .setName('watch')
          .setDescription('Re-diagnose in one thread until healthy 3 runs in a row; post only changes'),
        'Hostname or URL, e.g. shop.example.com',
      ).addStringOption((option) =>
        option
          .setName('duration')
          .setDescription('How long to watch at most, e.g. 30m or 2h (default 30m)')
          .setMaxLength(20),
      ),
    )
    .addSubcommandGroup((group) =>
      group
        .setName('monitor')
        .setDescription('Check a site on a schedule; two failing checks open an incident here')
        .addSubcommand((sub) =>
          siteOption(
            sub.setName('add').setDescription('Monitor a site from this channel'),
            'Hostname or URL, e.g. shop.example.com',
          ).addStringOption((option) =>
            option
              .setName('every')
              .setDescription('How often, e.g. 1m or 5m (default 1m, at least 30s)')
              .setMaxLength(20),
          ),
        )
        .addSubcommand((sub) => sub.setName('list').setDescription("This channel's monitors"))
        .addSubcommand((sub) =>
          siteOption(
            sub.setName('remove').setDescription('Stop monitoring a site here'),
            'Hostname or URL, e.g. shop.example.com',
          ),
        ),
    )
    .addSubcommand((sub) =>
      siteOption(
        sub
          .setName('timeline')
          .setDescription("Post the site's latest incident timeline (Markdown) in its thread"),
        'Hostname or URL of the site, e.g. shop.example.com',
      ),
    )
    .toJSON();
}
