// The closing message of a thread: verdict, primary cause, what to do, what else was seen, which
// checks ran, and a Re-run button. The embed links to the site's URL, which a Re-run click falls
// back on when the site is too long for the button's custom_id.
import { ActionRowBuilder, ButtonBuilder } from '@discordjs/builders';
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { ButtonStyle } from 'discord-api-types/v10';
import type { Finding } from '../../../diagnosis/finding.js';
import { likelyTrigger } from '../../../diagnosis/likely-trigger.js';
import type { Report } from '../../../diagnosis/report.js';
import { discordFixId } from '../../fix-buttons.js';
import type { RunContext } from '../../sink.js';
import { EMBED_LIMITS } from './fit-embeds.js';
import { type DiscordMessage, message } from './message.js';
import { formatMs, numbered } from './render-check.js';
import { rerunButton } from './rerun-button.js';
import { SEVERITY_EMOJI, STATUS_EMOJI, VERDICT_COLOUR, VERDICT_EMOJI } from './style.js';
import { clip, escapeText, inlineCode } from './text.js';

export function renderSummary(report: Report, context?: RunContext): DiscordMessage {
  const nextRun = (context?.run ?? 1) + 1;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(rerunButton(report.site, nextRun));
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
  return message({ embeds: [summaryEmbed(report)], components });
}

export function primaryFinding(report: Report): Finding | undefined {
  if (report.primaryCause === null) return undefined;
  return report.findings.find((f) => f.code === report.primaryCause);
}

export function summaryEmbed(report: Report): APIEmbed {
  const primary = primaryFinding(report);
  const embed: APIEmbed = {
    title: clip(
      `${VERDICT_EMOJI[report.verdict]} ${escapeText(report.site)}: ${report.verdict}`,
      EMBED_LIMITS.title,
    ),
    color: VERDICT_COLOUR[report.verdict],
    description: describe(report, primary),
    footer: {
      text: `check502 · ${report.checks.length} checks in ${formatMs(report.durationMs)} · ${report.cloudflareApiCalls} Cloudflare API calls`,
    },
  };
  if (isWebUrl(report.url)) embed.url = report.url;
  if (!Number.isNaN(Date.parse(report.startedAt))) embed.timestamp = new Date(report.startedAt).toISOString();

  const fields: APIEmbedField[] = [];
  const steps = primary?.remediation.length ? primary.remediation : firstSteps(report);
  if (steps.length > 0) fields.push({ name: 'What to do', value: numbered(steps, EMBED_LIMITS.fieldValue) });
  const trigger = likelyTrigger(report);
  if (trigger) {
    fields.push({
      name: clip(`Likely trigger: ${trigger.title}`, EMBED_LIMITS.fieldName),
      value: clip(
        `${escapeText(trigger.detail)}\n${numbered(trigger.remediation, EMBED_LIMITS.fieldValue)}`,
        EMBED_LIMITS.fieldValue,
      ),
    });
  }
  const others = report.findings.filter(
    (f) => f !== primary && f !== trigger && (f.severity === 'error' || f.severity === 'warn'),
  );
  if (others.length > 0) {
    const lines = others.map(
      (f) => `${SEVERITY_EMOJI[f.severity]} ${escapeText(f.title)} ${inlineCode(f.code)}`,
    );
    fields.push({ name: 'Also seen', value: clip(lines.join('\n'), EMBED_LIMITS.fieldValue) });
  }
  if (report.checks.length > 0) {
    const checks = report.checks.map(
      (c) => `${STATUS_EMOJI[c.status]} ${escapeText(c.name)} ${formatMs(c.durationMs)}`,
    );
    fields.push({ name: 'Checks', value: clip(checks.join(' · '), EMBED_LIMITS.fieldValue) });
  }
  if (fields.length > 0) embed.fields = fields;
  return embed;
}

function describe(report: Report, primary: Finding | undefined): string {
  if (primary !== undefined) {
    const detail = primary.detail === '' ? '' : `\n${escapeText(primary.detail)}`;
    return clip(`**Primary cause:** ${escapeText(primary.title)} ${inlineCode(primary.code)}${detail}`, 2000);
  }
  if (report.verdict === 'healthy') return 'No problem found: every check that ran looks fine.';
  if (report.verdict === 'unknown') return 'Nothing could be checked; see the messages above for why.';
  return 'No single root cause stands out; see the findings above.';
}

/** Without a primary cause: the first step of each problem, so the reader still has a next move. */
function firstSteps(report: Report): string[] {
  return report.findings
    .filter((f) => f.severity === 'error' || f.severity === 'warn')
    .map((f) => f.remediation[0])
    .filter((s): s is string => s !== undefined)
    .slice(0, 5);
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url) && url.length <= 2000;
}
