// The /check502 slash command as Discord stores it, built with discord.js's SlashCommandBuilder
// (which validates names, descriptions and option limits before anything is sent).
import { SlashCommandBuilder } from '@discordjs/builders';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { COMMAND_NAME } from './parse-interaction.js';

export function check502Command(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription('Why does this site behind Cloudflare show 502 (or 520-526, 530, 1033)?')
    .addStringOption((option) =>
      option
        .setName('site')
        .setDescription('Hostname or URL, e.g. shop.example.com (or "help")')
        .setRequired(true)
        .setMaxLength(2048),
    )
    .toJSON();
}
