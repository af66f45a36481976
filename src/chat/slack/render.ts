// Block Kit for the thread, styled from the one report view (src/present): the root message, one
// short message per check that found a problem (a passing check posts nothing; it is one line in
// the summary), and notes. The summary is in render-summary.ts. Outside text is escaped and capped.
import type { Finding } from '../../diagnosis/finding.js';
import type { CheckSummary, Report } from '../../diagnosis/report.js';
import { VERDICT_LABEL } from '../../present/labels.js';
import type { Audience } from '../../present/origin-addresses.js';
import { checkView, type FindingView, reportView } from '../../present/report-view.js';
import { SLACK_UNDO_ACTION } from '../fix-buttons.js';
import { truncate } from '../render/text-limits.js';
import type { RunContext } from '../sink.js';
import { SLACK_WATCH_STOP_ACTION } from '../watch-buttons.js';
import { type Block, button, context, pack, type SlackMessage, section } from './block-kit.js';
import { escapeMrkdwn, inlineCode, mention } from './mrkdwn.js';
import { SEVERITY_EMOJI, VERDICT_EMOJI } from './slack-style.js';

export const RERUN_ACTION_ID = 'check502_rerun';
export const DETAILS_ACTION_ID = 'check502_details';
/** On a closed incident's root; its value is the incident id (`<site>#<n>`). */
export const TIMELINE_ACTION_ID = 'check502_timeline';

/** The value carried by the Re-run button; the thread comes from the message the button sits in. */
export interface RerunValue {
  site: string;
  run: number;
}

function runLine(ctx: RunContext): string {
  const parts: string[] = [];
  if (ctx.requestedBy !== undefined) parts.push(`requested by ${mention(ctx.requestedBy)}`);
  if ((ctx.run ?? 1) > 1) parts.push(`run ${ctx.run}`);
  if (ctx.incident) parts.push(`incident ${escapeMrkdwn(ctx.incident.id)} (${ctx.incident.alerts} alerts)`);
  return parts.join(' · ');
}

/** The root message: "Checking…" while running, the verdict once `report` is known. */
export function renderRoot(ctx: RunContext, report: Report | undefined, audience: Audience): SlackMessage {
  const site = escapeMrkdwn(ctx.site);
  const blocks: Block[] = [];
  let text: string;
  if (!report) {
    text = `Checking ${ctx.site}…`;
    blocks.push(section(`:hourglass_flowing_sand: *Checking ${site}…* Findings follow in the thread.`));
  } else {
    const view = reportView(report, audience);
    text = `${ctx.site} is ${VERDICT_LABEL[report.verdict]}${report.primaryCause ? ` (${report.primaryCause})` : ''}`;
    const lines = [`${VERDICT_EMOJI[report.verdict]} *${site} is ${VERDICT_LABEL[report.verdict]}*`];
    if (view.primary)
      lines.push(`Primary cause: ${escapeMrkdwn(view.primary.title)} ${inlineCode(view.primary.code)}`);
    blocks.push(section(lines.join('\n')));
  }
  const extra = report ? `${report.findings.length} findings · details in the thread` : '';
  const contextText = [runLine(ctx), extra].filter((s) => s !== '').join(' · ');
  if (contextText !== '') blocks.push(context(contextText));
  // A closed incident offers its timeline for the postmortem.
  if (ctx.incident?.state === 'resolved')
    blocks.push({ type: 'actions', elements: [button('Timeline', TIMELINE_ACTION_ID, ctx.incident.id)] });
  if (ctx.watch) {
    // The watch's status stays current on the root; Stop ends it (gone once it has ended).
    blocks.push(context(`:eyes: Watch: ${escapeMrkdwn(ctx.watch.status)}`));
    if (!ctx.watch.ended)
      blocks.push({
        type: 'actions',
        elements: [button('Stop watching', SLACK_WATCH_STOP_ACTION, ctx.watch.id)],
      });
    text = `${text} · watch: ${ctx.watch.status}`;
  }
  return { text, blocks };
}

/** A problem in a few lines: title, detail, the facts that matter in words, its code. */
export function findingBlocks(f: FindingView): Block[] {
  const facts = f.facts.length > 0 ? `\n${f.facts.map(escapeMrkdwn).join(' · ')}` : '';
  return [
    section(`${SEVERITY_EMOJI[f.severity]} *${escapeMrkdwn(f.title)}*\n${escapeMrkdwn(f.detail)}${facts}`),
    context(`${inlineCode(f.code)} · ${f.severity}`),
  ];
}

/** The thread message of a check that found a problem; none for a check that did not. */
export function renderCheck(
  check: CheckSummary,
  findings: readonly Finding[],
  audience: Audience,
): SlackMessage[] {
  const view = checkView(check, findings, audience);
  if (view.problems.length === 0 && check.status !== 'errored') return [];
  const head = section(`*${escapeMrkdwn(view.label)}* ${view.statusWords} · ${check.durationMs} ms`);
  const codes = view.problems.map((f) => f.code).join(', ');
  return pack(`${view.label}: ${view.statusWords}${codes ? ` (${codes})` : ''}`, [
    head,
    ...view.problems.flatMap(findingBlocks),
  ]);
}

/** A guarded fix's result, with its Undo button while it lasts. */
export function renderFixResult(text: string, undoFixId?: string): SlackMessage {
  const blocks: Block[] = [section(escapeMrkdwn(truncate(text, 2900)))];
  if (undoFixId !== undefined) {
    blocks.push({ type: 'actions', elements: [button('Undo (1 h)', SLACK_UNDO_ACTION, undoFixId)] });
  }
  return { text: truncate(text, 3000), blocks };
}

/** A short threaded note. */
export function renderNote(text: string): SlackMessage {
  return { text: truncate(text, 3000), blocks: [context(escapeMrkdwn(text))] };
}
