// The thread message of a check that found a problem: a header line, then one embed per problem
// (title, detail, the facts that matter in words, the finding code in the footer so people can
// search for it). A check without a problem posts nothing: it is one line in the summary.
import type { APIEmbed } from 'discord-api-types/v10';
import type { Finding } from '../../../diagnosis/finding.js';
import type { CheckSummary } from '../../../diagnosis/report.js';
import { formatMs } from '../../../present/labels.js';
import type { Audience } from '../../../present/origin-addresses.js';
import { checkView, type FindingView } from '../../../present/report-view.js';
import { EMBED_LIMITS } from './fit-embeds.js';
import { type DiscordMessage, message } from './message.js';
import { SEVERITY_COLOUR, SEVERITY_EMOJI, STATUS_EMOJI } from './style.js';
import { clip, escapeText } from './text.js';

export function renderCheck(
  check: CheckSummary,
  findings: readonly Finding[],
  audience: Audience,
): DiscordMessage | undefined {
  const view = checkView(check, findings, audience);
  if (view.problems.length === 0 && check.status !== 'errored') return undefined;
  const content = `${STATUS_EMOJI[check.status]} **${escapeText(view.label)}** ${view.statusWords} · ${formatMs(check.durationMs)}`;
  const max = EMBED_LIMITS.embedsPerMessage;
  const shown = view.problems.length > max ? view.problems.slice(0, max - 1) : view.problems;
  const embeds = shown.map(findingEmbed);
  if (view.problems.length > shown.length) {
    const rest = view.problems.slice(shown.length);
    embeds.push({
      title: `…and ${rest.length} more findings`,
      description: rest
        .map((f) => `${SEVERITY_EMOJI[f.severity]} ${escapeText(f.title)} (${f.code})`)
        .join('\n'),
    });
  }
  return message({ content, embeds });
}

export function findingEmbed(finding: FindingView): APIEmbed {
  const embed: APIEmbed = {
    title: clip(`${SEVERITY_EMOJI[finding.severity]} ${escapeText(finding.title)}`, EMBED_LIMITS.title),
    color: SEVERITY_COLOUR[finding.severity],
    footer: { text: finding.code },
  };
  const facts = finding.facts.length > 0 ? `\n${finding.facts.map(escapeText).join(' · ')}` : '';
  if (finding.detail !== '' || facts !== '')
    embed.description = clip(`${escapeText(finding.detail)}${facts}`, 1500);
  return embed;
}

/** A numbered list of remediation steps, clipped to `max` characters in total. */
export function numbered(steps: readonly string[], max: number): string {
  return clip(steps.map((step, i) => `${i + 1}. ${escapeText(step)}`).join('\n'), max);
}
