// The closing message of a thread, styled from the one report view: verdict, primary cause with
// its facts and what it explains, what to do, the likely trigger, what else was found, one line per
// check, and Re-run / Details buttons. The embed links to the site's URL, which a Re-run click
// falls back on when the site is too long for the button's custom_id.
import { ActionRowBuilder, ButtonBuilder } from '@discordjs/builders';
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { ButtonStyle } from 'discord-api-types/v10';
import type { Report } from '../../../diagnosis/report.js';
import type { Audience } from '../../../present/origin-addresses.js';
import { type CheckView, type ReportView, reportView } from '../../../present/report-view.js';
import { discordFixId } from '../../fix-buttons.js';
import type { RunContext } from '../../sink.js';
import { detailsButton } from './details-button.js';
import { EMBED_LIMITS } from './fit-embeds.js';
import { type DiscordMessage, message } from './message.js';
import { numbered } from './render-check.js';
import { rerunButton } from './rerun-button.js';
import { SEVERITY_EMOJI, STATUS_EMOJI, VERDICT_COLOUR, VERDICT_EMOJI } from './style.js';
import { clip, escapeText, inlineCode } from './text.js';

export function renderSummary(
  report: Report,
  context: RunContext | undefined,
  audience: Audience,
): DiscordMessage {
  const nextRun = (context?.run ?? 1) + 1;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(rerunButton(report.site, nextRun));
  const details = context?.jobId !== undefined ? detailsButton(context.jobId) : undefined;
  if (details) row.addComponents(details);
  const components = [row.toJSON()];
  const offers = context?.fixOffers ?? [];
  if (offers.length > 0) {
    // Guarded fixes the evidence supports: a click shows the preview with a Confirm button.
    const fixes = new ActionRowBuilder<ButtonBuilder>().addComponents(
      offers
        .slice(0, 5)
        .map((offer) =>
          new ButtonBuilder()
            .setCustomId(discordFixId.preview(offer.id))
            .setLabel(clip(offer.title, 80))
            .setStyle(ButtonStyle.Primary)
            .setEmoji({ name: '🔧' }),
        ),
    );
    components.push(fixes.toJSON());
  }
  return message({ embeds: [summaryEmbed(report, audience)], components });
}

export function summaryEmbed(report: Report, audience: Audience): APIEmbed {
  const view = reportView(report, audience);
  const embed: APIEmbed = {
    title: clip(
      `${VERDICT_EMOJI[report.verdict]} ${escapeText(report.site)}: ${report.verdict}`,
      EMBED_LIMITS.title,
    ),
    color: VERDICT_COLOUR[report.verdict],
    description: describe(view),
    footer: { text: `check502 · ${view.countsLine} · ${view.footer}` },
  };
  if (isWebUrl(report.url)) embed.url = report.url;
  if (!Number.isNaN(Date.parse(report.startedAt))) embed.timestamp = new Date(report.startedAt).toISOString();

  const fields: APIEmbedField[] = [];
  if (view.explained.length > 0) {
    const lines = view.explained.map((f) => `${escapeText(f.title)} ${inlineCode(f.code)}`);
    fields.push({ name: 'Explains', value: clip(lines.join('\n'), EMBED_LIMITS.fieldValue) });
  }
  const steps = view.primary?.steps.length ? view.primary.steps : firstSteps(view);
  if (steps.length > 0) fields.push({ name: 'What to do', value: numbered(steps, EMBED_LIMITS.fieldValue) });
  if (view.trigger) {
    fields.push({
      name: clip(`Likely trigger: ${view.trigger.title}`, EMBED_LIMITS.fieldName),
      value: clip(
        `${escapeText(view.trigger.detail)}\n${numbered(view.trigger.steps, EMBED_LIMITS.fieldValue)}`,
        EMBED_LIMITS.fieldValue,
      ),
    });
  }
  if (view.alsoFound.length > 0) {
    const lines = view.alsoFound.map(
      (f) => `${SEVERITY_EMOJI[f.severity]} ${escapeText(f.title)} ${inlineCode(f.code)}`,
    );
    fields.push({ name: 'Also found', value: clip(lines.join('\n'), EMBED_LIMITS.fieldValue) });
  }
  if (view.checks.length > 0) {
    fields.push({
      name: 'Checks',
      value: clip(view.checks.map(checkLine).join('\n'), EMBED_LIMITS.fieldValue),
    });
  }
  if (fields.length > 0) embed.fields = fields;
  return embed;
}

/** "✅ Cloudflare API — zone active, record proxied, SSL Full (strict) · 55 ms". */
function checkLine(check: CheckView): string {
  const mark = check.problems.length > 0 ? SEVERITY_EMOJI[check.worst] : STATUS_EMOJI[check.status];
  const words =
    check.problems.length > 0
      ? `${check.statusWords}: ${check.problems.map((f) => f.title).join('; ')}`
      : check.line || check.statusWords;
  return `${mark} **${escapeText(check.label)}** — ${escapeText(words)} · ${check.durationMs} ms`;
}

function describe(view: ReportView): string {
  const primary = view.primary;
  if (primary === undefined) return view.noCause ?? '';
  const detail = primary.detail === '' ? '' : `\n${escapeText(primary.detail)}`;
  const facts = primary.facts.length > 0 ? `\n${primary.facts.map(escapeText).join(' · ')}` : '';
  return clip(
    `**Primary cause:** ${escapeText(primary.title)} ${inlineCode(primary.code)}${detail}${facts}`,
    2000,
  );
}

/** Without a primary cause: the first step of each problem, so the reader still has a next move. */
function firstSteps(view: ReportView): string[] {
  return view.alsoFound
    .map((f) => f.steps[0])
    .filter((s): s is string => s !== undefined)
    .slice(0, 5);
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url) && url.length <= 2000;
}
