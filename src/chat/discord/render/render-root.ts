// The root message the thread hangs from: "Checking <site>…" while running, the verdict and
// primary cause when done, and the incident's state when an alert started it.
import { ActionRowBuilder, ButtonBuilder } from '@discordjs/builders';
import { type APIEmbed, ButtonStyle } from 'discord-api-types/v10';
import type { Report } from '../../../diagnosis/report.js';
import { formatMs } from '../../../present/labels.js';
import { type Audience, forAudience } from '../../../present/origin-addresses.js';
import { reportView } from '../../../present/report-view.js';
import type { IncidentContext, RunContext } from '../../sink.js';
import { discordWatchStopId } from '../../watch-buttons.js';
import { EMBED_LIMITS } from './fit-embeds.js';
import { type DiscordMessage, message } from './message.js';
import { VERDICT_EMOJI } from './style.js';
import { clip, escapeText, inlineCode } from './text.js';
import { timelineButton } from './timeline-button.js';

export function renderRootPending(given: RunContext, audience: Audience): DiscordMessage {
  const context = forAudience(given, audience); // an alert's summary may name the origin
  const content = `🔎 Checking **${escapeText(context.site)}**…${runSuffix(context)}${askedBy(context)}`;
  return withIncident(content, context);
}

export function renderRootDone(
  report: Report | undefined,
  given: RunContext,
  audience: Audience,
): DiscordMessage {
  const context = forAudience(given, audience);
  if (report === undefined) {
    return withIncident(
      `❔ **${escapeText(context.site)}**${runSuffix(context)}${askedBy(context)}`,
      context,
    );
  }
  const primary = reportView(report, audience).primary;
  const cause = primary ? ` — ${escapeText(primary.title)} ${inlineCode(primary.code)}` : '';
  const content =
    `${VERDICT_EMOJI[report.verdict]} **${escapeText(report.site)}**: ${report.verdict}${cause}` +
    ` (${formatMs(report.durationMs)})${runSuffix(context)}${askedBy(context)}`;
  return withIncident(content, context);
}

/** The thread's name: visible in the channel list, so short and plain. */
export function threadName(site: string): string {
  return clip(`check502 · ${site}`.replace(/[\r\n]+/g, ' '), 100);
}

function runSuffix(context: RunContext): string {
  return context.run !== undefined && context.run > 1 ? ` · run ${context.run}` : '';
}

function askedBy(context: RunContext): string {
  const who = context.requestedBy;
  if (who === undefined || context.incident !== undefined) return '';
  // A user id renders as a mention; allowed_mentions keeps it from pinging.
  return /^\d{5,25}$/.test(who) ? ` · asked by <@${who}>` : ` · asked by ${escapeText(clip(who, 80))}`;
}

function withIncident(content: string, context: RunContext): DiscordMessage {
  const incident = context.incident;
  if (context.watch) return withWatch(content, context.watch);
  if (incident === undefined) return message({ content });
  // A closed incident offers its timeline for the postmortem.
  const timeline = incident.state === 'resolved' ? timelineButton(incident.id) : undefined;
  return message({
    content,
    embeds: [incidentEmbed(incident)],
    ...(timeline
      ? { components: [new ActionRowBuilder<ButtonBuilder>().addComponents(timeline).toJSON()] }
      : {}),
  });
}

/** A watch's root: its status stays current; Stop ends it (an empty row once it has ended removes the button). */
function withWatch(content: string, watch: NonNullable<RunContext['watch']>): DiscordMessage {
  const stop = new ButtonBuilder()
    .setCustomId(discordWatchStopId(watch.id))
    .setLabel('Stop watching')
    .setStyle(ButtonStyle.Secondary);
  return message({
    content: `${content}\n👀 Watch: ${escapeText(watch.status)}`,
    components: watch.ended ? [] : [new ActionRowBuilder<ButtonBuilder>().addComponents(stop).toJSON()],
  });
}

const STATE_COLOUR: Record<IncidentContext['state'], number> = {
  open: 0xe74c3c,
  resolving: 0xf39c12,
  resolved: 0x2ecc71,
};

export function incidentEmbed(incident: IncidentContext): APIEmbed {
  const embed: APIEmbed = {
    title: clip(`Incident ${escapeText(incident.id)}: ${incident.state}`, EMBED_LIMITS.title),
    color: STATE_COLOUR[incident.state],
    fields: [
      { name: 'Alerts', value: String(incident.alerts), inline: true },
      { name: 'Sources', value: clip(escapeText(incident.sources.join(', ')) || '—', 200), inline: true },
      {
        name: 'Seen',
        value: `${escapeText(incident.firstSeen)} → ${escapeText(incident.lastSeen)}`,
        inline: false,
      },
    ],
  };
  if (incident.summary) embed.description = clip(escapeText(incident.summary), 1000);
  if (incident.previous) {
    const link =
      incident.previous.link && /^https?:\/\//.test(incident.previous.link)
        ? ` (${incident.previous.link})`
        : '';
    embed.fields?.push({ name: 'Re-opens', value: clip(`${escapeText(incident.previous.id)}${link}`, 300) });
  }
  return embed;
}
