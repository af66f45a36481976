// Pure renderers from the diagnosis (run context, check results, report) to Slack messages.
// Same inputs as the Discord renderer; every piece of outside text is escaped and capped.

import type { Finding } from '../../diagnosis/finding.js';
import { likelyTrigger } from '../../diagnosis/likely-trigger.js';
import type { CheckSummary, Report } from '../../diagnosis/report.js';
import { SLACK_FIX_ACTION, SLACK_UNDO_ACTION } from '../fix-buttons.js';
import {
  CHECK_STATUS_LABEL,
  checkTitle,
  SEVERITY_EMOJI,
  VERDICT_EMOJI,
  VERDICT_LABEL,
} from '../render/labels.js';
import { evidenceLines, truncate } from '../render/text-limits.js';
import type { RunContext } from '../sink.js';
import {
  type Block,
  button,
  context,
  header,
  pack,
  type SlackMessage,
  section,
  sections,
} from './block-kit.js';
import { escapeCode, escapeMrkdwn, inlineCode, mention } from './mrkdwn.js';

export const RERUN_ACTION_ID = 'check502_rerun';

/** The value carried by the Re-run button; the thread comes from the message the button sits in. */
export interface RerunValue {
  site: string;
  run: number;
}

const EVIDENCE_CHARS = 1200;

function runLine(ctx: RunContext): string {
  const parts: string[] = [];
  if (ctx.requestedBy !== undefined) parts.push(`requested by ${mention(ctx.requestedBy)}`);
  if ((ctx.run ?? 1) > 1) parts.push(`run ${ctx.run}`);
  if (ctx.incident) parts.push(`incident ${escapeMrkdwn(ctx.incident.id)} (${ctx.incident.alerts} alerts)`);
  return parts.join(' · ');
}

/** The root message: "Checking…" while running, the verdict once `report` is known. */
export function renderRoot(ctx: RunContext, report?: Report): SlackMessage {
  const site = escapeMrkdwn(ctx.site);
  const blocks: Block[] = [];
  let text: string;
  if (!report) {
    text = `Checking ${ctx.site}…`;
    blocks.push(section(`:hourglass_flowing_sand: *Checking ${site}…* Findings follow in the thread.`));
  } else {
    const cause = report.primaryCause
      ? report.findings.find((f) => f.code === report.primaryCause)
      : undefined;
    text = `${ctx.site} is ${VERDICT_LABEL[report.verdict]}${report.primaryCause ? ` (${report.primaryCause})` : ''}`;
    const lines = [`${VERDICT_EMOJI[report.verdict]} *${site} is ${VERDICT_LABEL[report.verdict]}*`];
    if (cause) lines.push(`Primary cause: ${inlineCode(cause.code)} ${escapeMrkdwn(cause.title)}`);
    blocks.push(section(lines.join('\n')));
  }
  const line = runLine(ctx);
  const extra = report
    ? `${report.findings.length} findings · ${(report.durationMs / 1000).toFixed(1)} s · details in the thread`
    : '';
  const contextText = [line, extra].filter((s) => s !== '').join(' · ');
  if (contextText !== '') blocks.push(context(contextText));
  return { text, blocks };
}

function findingBlocks(f: Finding, withRemediation: boolean): Block[] {
  const blocks: Block[] = [
    section(`${SEVERITY_EMOJI[f.severity]} *${escapeMrkdwn(f.title)}*\n${escapeMrkdwn(f.detail)}`),
  ];
  const evidence = evidenceLines(f.evidence);
  if (evidence.length > 0) {
    blocks.push(section(`\`\`\`${escapeCode(truncate(evidence.join('\n'), EVIDENCE_CHARS))}\`\`\``));
  }
  if (withRemediation && f.remediation.length > 0) {
    blocks.push(
      ...sections(`*What to do*\n${f.remediation.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n')}`),
    );
  }
  blocks.push(context(`${inlineCode(f.code)} · ${f.severity}`));
  return blocks;
}

/** One check's threaded message(s): its status, then each finding with its code in a context line. */
export function renderCheck(check: CheckSummary, findings: readonly Finding[]): SlackMessage[] {
  const title = checkTitle(check.name);
  const head = section(
    `*${escapeMrkdwn(title)}* ${CHECK_STATUS_LABEL[check.status]} (${check.durationMs} ms)`,
  );
  const body = findings.flatMap((f) => findingBlocks(f, false));
  if (findings.length === 0) body.push(context('Nothing to report.'));
  const codes = findings.map((f) => f.code).join(', ');
  return pack(`${title}: ${CHECK_STATUS_LABEL[check.status]}${codes ? ` (${codes})` : ''}`, [head, ...body]);
}

/** The closing message(s): verdict, primary cause, remediation, and the Re-run button. */
export function renderSummary(
  report: Report,
  run = 1,
  fixOffers: readonly { id: string; title: string }[] = [],
): SlackMessage[] {
  const verdict = VERDICT_LABEL[report.verdict];
  const blocks: Block[] = [header(`${report.site}: ${verdict}`)];
  const cause = report.primaryCause ? report.findings.find((f) => f.code === report.primaryCause) : undefined;
  if (cause) {
    blocks.push(
      section(
        `*Primary cause:* ${inlineCode(cause.code)}\n*${escapeMrkdwn(cause.title)}*\n${escapeMrkdwn(cause.detail)}`,
      ),
    );
    if (cause.remediation.length > 0) {
      blocks.push(
        ...sections(
          `*What to do*\n${cause.remediation.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n')}`,
        ),
      );
    }
  } else if (report.verdict === 'healthy') {
    blocks.push(section('No problem found: every check passed.'));
  }
  const trigger = likelyTrigger(report);
  if (trigger) {
    const steps = trigger.remediation.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n');
    blocks.push(
      ...sections(
        `*Likely trigger:* ${escapeMrkdwn(trigger.title)}\n${escapeMrkdwn(trigger.detail)}${steps ? `\n${steps}` : ''}`,
      ),
    );
  }
  const others = report.findings.filter(
    (f) => f.code !== cause?.code && f !== trigger && (f.severity === 'error' || f.severity === 'warn'),
  );
  if (others.length > 0) {
    const lines = others.map((f) => {
      const step = f.remediation[0] ? ` — ${escapeMrkdwn(f.remediation[0])}` : '';
      return `${SEVERITY_EMOJI[f.severity]} ${inlineCode(f.code)} ${escapeMrkdwn(f.title)}${step}`;
    });
    blocks.push(...sections(`*Also found*\n${lines.join('\n')}`));
  }
  const counts = (['error', 'warn', 'info', 'ok'] as const)
    .map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  blocks.push(
    context(
      `${counts.join(' · ')} · ${report.checks.length} checks in ${(report.durationMs / 1000).toFixed(1)} s`,
    ),
  );
  const value: RerunValue = { site: report.site, run: run + 1 };
  blocks.push({
    type: 'actions',
    elements: [
      button('Re-run', RERUN_ACTION_ID, JSON.stringify(value)),
      // Guarded fixes the evidence supports: a click opens a preview to confirm.
      ...fixOffers
        .slice(0, 5)
        .map((offer) => button(`🔧 ${truncate(offer.title, 70)}`, SLACK_FIX_ACTION, offer.id)),
    ],
  });
  const text = `${report.site} is ${verdict}${report.primaryCause ? `: ${report.primaryCause}` : ''}`;
  const messages = pack(text, blocks);
  return messages;
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
