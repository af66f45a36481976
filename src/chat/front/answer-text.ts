// The words of every answer the front gives, written once; a platform's Markup styles them.
import type { Report } from '../../diagnosis/report.js';
import { reportDetails } from '../../present/details.js';
import type { Audience } from '../../present/origin-addresses.js';
import { HEALTHY_RUNS_TO_RECOVER } from '../../watch/watch-state.js';
import type { CommandAnswer } from './command-input.js';
import type { Markup } from './markup.js';

export function usageText(m: Markup): string {
  return [
    `${m.bold('Usage:')} ${m.code(m.command(['<site>']))} — e.g. ${m.code(m.command(['shop.example.com']))} or ${m.code(m.command(['https://shop.example.com/cart']))}`,
    'I check DNS, the Cloudflare edge, the Cloudflare API and the origin, then post the findings in a thread here.',
  ].join('\n');
}

/** The ephemeral text for an answer; undefined for `queued` when the platform shows its own progress. */
export function answerText(answer: CommandAnswer, m: Markup): string {
  switch (answer.kind) {
    case 'usage':
      return usageText(m);
    case 'invalid':
      return `❌ I can't check that: ${m.text(answer.reason)}.\n${usageText(m)}`;
    case 'queued':
      return `Diagnosing ${m.text(answer.site)}… the findings will appear in a thread in this channel.`;
    case 'joined':
      if (answer.here) return 'A diagnosis is already running in this thread.';
      return answer.link
        ? `A diagnosis of ${m.text(answer.site)} is already running — see ${m.link(answer.link, 'its thread')}.`
        : `A diagnosis of ${m.text(answer.site)} is already running; its thread will appear in this channel in a moment.`;
    case 'details':
      return detailsText(answer.report, answer.audience, m);
    case 'expired':
      return 'That report is no longer kept (reports are kept for an hour); press Re-run for a fresh one.';
    case 'note':
      return m.text(answer.text);
    case 'unavailable':
      return `⚠️ I can't queue a diagnosis of ${m.bold(m.text(answer.site))} right now; try again in a minute.`;
    case 'timeline':
      return `📄 Posting the timeline of ${m.text(answer.incident)} as a Markdown file ${answer.inThread ? 'in its thread' : 'in this channel'}.`;
    case 'not-found':
      return `I have no timeline for ${m.text(answer.site)}: ${m.text(answer.reason)}.`;
    case 'watching':
      if (answer.joinsRun) {
        const where = answer.joinsRun.link
          ? `— see ${m.link(answer.joinsRun.link, 'its thread')}`
          : '; its thread will appear in this channel in a moment';
        return `👀 Watching ${m.bold(m.text(answer.site))} for ${duration(answer.durationMs)}: a diagnosis of it is already running ${where}. When it ends I go on re-checking there and post only when something changes, until it is healthy ${HEALTHY_RUNS_TO_RECOVER} runs in a row.`;
      }
      return `👀 Watching ${m.bold(m.text(answer.site))} for ${duration(answer.durationMs)}: I re-check it in a thread in this channel and post only when something changes, until it is healthy ${HEALTHY_RUNS_TO_RECOVER} runs in a row.`;
    case 'watch-joined':
      if (answer.here)
        return `${m.text(answer.site)} is already being watched in this thread; I post here when something changes.`;
      return answer.link
        ? `${m.text(answer.site)} is already being watched — see ${m.link(answer.link, 'its thread')}.`
        : `${m.text(answer.site)} is already being watched; its thread will appear in this channel in a moment.`;
  }
}

/** Every finding's evidence, one code block per finding. */
function detailsText(report: Report, audience: Audience, m: Markup): string {
  const sections = reportDetails(report, audience).map(
    (section) =>
      `${m.bold(m.text(section.heading))}${section.lines.length > 0 ? `\n${m.block(section.lines.join('\n'))}` : ''}`,
  );
  return [`Details of ${m.bold(m.text(report.site))} (${report.startedAt})`, ...sections].join('\n');
}

function duration(ms: number): string {
  if (ms % 3600_000 === 0) return `${ms / 3600_000} h`;
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
