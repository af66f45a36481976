// The closing message: verdict, the primary cause with its facts and what it explains, what to do,
// the likely trigger, what else was found, one line per check, and Re-run / Details buttons.
import type { Report } from '../../diagnosis/report.js';
import { VERDICT_LABEL } from '../../present/labels.js';
import type { Audience } from '../../present/origin-addresses.js';
import { type CheckView, type FindingView, reportView } from '../../present/report-view.js';
import { SLACK_FIX_ACTION } from '../fix-buttons.js';
import { truncate } from '../render/text-limits.js';
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
import { escapeMrkdwn, inlineCode } from './mrkdwn.js';
import { DETAILS_ACTION_ID, RERUN_ACTION_ID, type RerunValue } from './render.js';
import { CHECK_MARK, SEVERITY_EMOJI } from './slack-style.js';

export function renderSummary(
  report: Report,
  context_: Pick<RunContext, 'run' | 'jobId' | 'fixOffers'> | undefined,
  audience: Audience,
): SlackMessage[] {
  const view = reportView(report, audience);
  const blocks: Block[] = [header(`${report.site}: ${VERDICT_LABEL[report.verdict]}`)];
  const primary = view.primary;
  if (primary) {
    blocks.push(
      section(
        `*Primary cause:* ${inlineCode(primary.code)}\n*${escapeMrkdwn(primary.title)}*\n${escapeMrkdwn(primary.detail)}${facts(primary)}`,
      ),
    );
    if (view.explained.length > 0) {
      blocks.push(
        context(
          `Explains: ${view.explained.map((f) => `${escapeMrkdwn(f.title)} ${inlineCode(f.code)}`).join(' · ')}`,
        ),
      );
    }
    if (primary.steps.length > 0) blocks.push(...sections(`*What to do*\n${numbered(primary.steps)}`));
  } else if (view.noCause) {
    blocks.push(section(view.noCause));
  }
  if (view.trigger) {
    const t = view.trigger;
    blocks.push(
      ...sections(
        `*Likely trigger:* ${escapeMrkdwn(t.title)}\n${escapeMrkdwn(t.detail)}${t.steps.length ? `\n${numbered(t.steps)}` : ''}`,
      ),
    );
  }
  if (view.alsoFound.length > 0) {
    const lines = view.alsoFound.map((f) => {
      const step = f.steps[0] ? ` — ${escapeMrkdwn(f.steps[0])}` : '';
      return `${SEVERITY_EMOJI[f.severity]} ${escapeMrkdwn(f.title)} ${inlineCode(f.code)}${step}`;
    });
    blocks.push(...sections(`*Also found*\n${lines.join('\n')}`));
  }
  if (view.checks.length > 0) blocks.push(...sections(view.checks.map(checkLine).join('\n')));
  blocks.push(context(`${view.countsLine} · ${view.footer}`));
  const run = context_?.run ?? 1;
  const value: RerunValue = { site: report.site, run: run + 1 };
  const buttons = [button('Re-run', RERUN_ACTION_ID, JSON.stringify(value))];
  if (context_?.jobId !== undefined) buttons.push(button('Details', DETAILS_ACTION_ID, context_.jobId));
  // Guarded fixes the evidence supports: a click opens a preview to confirm.
  for (const offer of (context_?.fixOffers ?? []).slice(0, 5)) {
    buttons.push(button(`🔧 ${truncate(offer.title, 70)}`, SLACK_FIX_ACTION, offer.id));
  }
  blocks.push({ type: 'actions', elements: buttons });
  return pack(`${view.headline}${report.primaryCause ? `: ${report.primaryCause}` : ''}`, blocks);
}

/** "✓ Cloudflare API — zone active, record proxied, SSL Full (strict) · 55 ms". */
function checkLine(check: CheckView): string {
  const mark = check.status === 'skipped' ? CHECK_MARK.skipped : CHECK_MARK[check.worst];
  const words =
    check.problems.length > 0
      ? `${check.statusWords}: ${check.problems.map((f) => f.title).join('; ')}`
      : check.line || check.statusWords;
  return `${mark} *${escapeMrkdwn(check.label)}* — ${escapeMrkdwn(words)} · ${check.durationMs} ms`;
}

function facts(f: FindingView): string {
  return f.facts.length > 0 ? `\n${f.facts.map(escapeMrkdwn).join(' · ')}` : '';
}

function numbered(steps: readonly string[]): string {
  return steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n');
}
