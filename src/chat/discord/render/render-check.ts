// One thread message per finished check: a header line, then one embed per finding (title, detail,
// evidence, what to do, and the finding code in the footer so people can search for it).
import type { APIEmbed } from 'discord-api-types/v10';
import type { Finding } from '../../../diagnosis/finding.js';
import type { CheckSummary } from '../../../diagnosis/report.js';
import { EMBED_LIMITS } from './fit-embeds.js';
import { type DiscordMessage, message } from './message.js';
import { SEVERITY_COLOUR, SEVERITY_EMOJI, STATUS_EMOJI } from './style.js';
import { clip, codeBlock, escapeText } from './text.js';

export function renderCheck(check: CheckSummary, findings: readonly Finding[]): DiscordMessage {
  const content = `${STATUS_EMOJI[check.status]} **${escapeText(check.name)}** ${check.status} in ${formatMs(check.durationMs)}`;
  const max = EMBED_LIMITS.embedsPerMessage;
  const shown = findings.length > max ? findings.slice(0, max - 1) : findings;
  const embeds = shown.map(findingEmbed);
  if (findings.length > shown.length) {
    const rest = findings.slice(shown.length);
    embeds.push({
      title: `…and ${rest.length} more findings`,
      description: rest
        .map((f) => `${SEVERITY_EMOJI[f.severity]} ${escapeText(f.title)} (${f.code})`)
        .join('\n'),
    });
  }
  return message({ content, embeds });
}

export function findingEmbed(finding: Finding): APIEmbed {
  const embed: APIEmbed = {
    title: clip(`${SEVERITY_EMOJI[finding.severity]} ${escapeText(finding.title)}`, EMBED_LIMITS.title),
    color: SEVERITY_COLOUR[finding.severity],
    footer: { text: finding.code },
  };
  if (finding.detail !== '') embed.description = clip(escapeText(finding.detail), 1500);
  const fields = [];
  const evidence = formatEvidence(finding.evidence);
  if (evidence !== '') fields.push({ name: 'Evidence', value: codeBlock(evidence, EMBED_LIMITS.fieldValue) });
  if (finding.remediation.length > 0) {
    fields.push({ name: 'What to do', value: numbered(finding.remediation, EMBED_LIMITS.fieldValue) });
  }
  if (fields.length > 0) embed.fields = fields;
  return embed;
}

/** `key: value` lines; nested values as compact JSON, each line clipped so many keys still show. */
export function formatEvidence(evidence: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(evidence)) {
    if (value === undefined) continue;
    let shown: string;
    try {
      shown = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    } catch {
      shown = '[unprintable]';
    }
    lines.push(clip(`${key}: ${shown.slice(0, 400).replace(/\s+/g, ' ')}`, 200));
    if (lines.length >= 20) break;
  }
  return lines.join('\n');
}

/** A numbered list of remediation steps, clipped to `max` characters in total. */
export function numbered(steps: readonly string[], max: number): string {
  return clip(steps.map((step, i) => `${i + 1}. ${escapeText(step)}`).join('\n'), max);
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
