// Block Kit renderers: within Slack's limits whatever the report holds, and outside text escaped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Block, SlackMessage } from '../../../src/chat/slack/block-kit.js';
import { escapeMrkdwn } from '../../../src/chat/slack/mrkdwn.js';
import { RERUN_ACTION_ID, renderCheck, renderRoot } from '../../../src/chat/slack/render.js';
import { renderSummary } from '../../../src/chat/slack/render-summary.js';
import type { Finding } from '../../../src/diagnosis/finding.js';
import type { Report } from '../../../src/diagnosis/report.js';
import { reported } from '../../support/findings.js';

function assertWithinLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  expect(message.text.length).toBeLessThanOrEqual(4000);
  expect(JSON.stringify(message.blocks).length).toBeLessThan(12_000);
  for (const block of message.blocks as (Block & Record<string, unknown>)[]) {
    const b = block as {
      type: string;
      text?: { text: string };
      fields?: unknown[];
      elements?: { text?: unknown }[];
    };
    if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(150);
    if (b.type === 'context') expect(b.elements!.length).toBeLessThanOrEqual(10);
    if (b.type === 'actions') {
      for (const e of b.elements as { text: { text: string }; value: string }[]) {
        expect(e.text.text.length).toBeLessThanOrEqual(75);
        expect(e.value.length).toBeLessThanOrEqual(2000);
      }
    }
  }
}

const refused = reported({
  code: 'origin.connection_refused',
  severity: 'error',
  title: 'The origin refuses connections',
  detail: 'Connection to 203.0.113.10:443 refused',
  evidence: { address: '203.0.113.10', port: 443 },
});

function reportWith(findings: Finding[]): Report {
  return {
    site: 'shop.example.com',
    url: 'https://shop.example.com/',
    verdict: 'failing',
    primaryCause: 'origin.connection_refused',
    findings,
    checks: [{ name: 'origin', status: 'failed', durationMs: 12 }],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 842,
    cloudflareApiCalls: 0,
  };
}

describe('Slack renderers', () => {
  it('shows each finding code in a context line', () => {
    const [message] = renderCheck({ name: 'origin', status: 'failed', durationMs: 12 }, [refused], 'private');
    const contexts = message!.blocks.filter((b) => b.type === 'context');
    expect(JSON.stringify(contexts)).toContain('`origin.connection_refused`');
  });

  it('splits or visibly truncates huge evidence and many findings, never exceeding limits', () => {
    const huge = reported({
      code: 'origin.invalid_response',
      severity: 'error',
      title: 'T'.repeat(5000),
      detail: 'D'.repeat(10_000),
      evidence: {
        errorMessage: 'x'.repeat(50_000),
        host: Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n'),
      },
    });
    const many = Array.from({ length: 60 }, () => huge);
    const messages = renderCheck({ name: 'origin', status: 'failed', durationMs: 1 }, many, 'private');
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) assertWithinLimits(m);
    expect(JSON.stringify(messages)).toContain('more characters cut');
    // Every finding is still there, none silently dropped.
    const codes = messages.flatMap((m) => m.blocks).filter((b) => b.type === 'context');
    expect(codes).toHaveLength(60);
    const summary = renderSummary(reportWith([refused, ...many]), undefined, 'private');
    for (const m of summary) assertWithinLimits(m);
    expect(JSON.stringify(summary.at(-1)!.blocks)).toContain(RERUN_ACTION_ID);
  });

  it('escapes outside text so it cannot mention, link or break formatting', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const hostile = reported({
          code: 'origin.http_5xx',
          severity: 'error',
          title: text,
          detail: `<!channel> <@U123> <https://evil.example|click> ${text}`,
          evidence: { server: text, errorMessage: '```' + text },
        });
        const [message] = renderCheck(
          { name: 'origin', status: 'failed', durationMs: 1 },
          [hostile],
          'private',
        );
        const rendered = JSON.stringify(message!.blocks);
        expect(rendered).not.toContain('<!channel>');
        expect(rendered).not.toContain('<@U123>');
        expect(rendered).not.toContain('<https://evil');
        assertWithinLimits(message!);
      }),
      { numRuns: 50 },
    );
    expect(escapeMrkdwn('a & <b>')).toBe('a &amp; &lt;b&gt;');
  });

  it('renders the root as "Checking…" and then with the verdict and primary cause', () => {
    const before = renderRoot({ site: 'shop.example.com', requestedBy: 'U0ALICE' }, undefined, 'private');
    expect(before.text).toBe('Checking shop.example.com…');
    expect(JSON.stringify(before.blocks)).toContain('<@U0ALICE>');
    const after = renderRoot(
      { site: 'shop.example.com', requestedBy: '<!here>' },
      reportWith([refused]),
      'private',
    );
    expect(after.text).toBe('shop.example.com is failing (origin.connection_refused)');
    expect(JSON.stringify(after.blocks)).not.toContain('<!here>');
  });

  it('puts the site and next run number in the Re-run button', () => {
    const messages = renderSummary(reportWith([refused]), { run: 3 }, 'private');
    const actions = messages.at(-1)!.blocks.find((b) => b.type === 'actions') as {
      elements: { value: string; action_id: string }[];
    };
    expect(actions.elements[0]?.action_id).toBe('check502_rerun');
    expect(JSON.parse(actions.elements[0]!.value)).toEqual({ site: 'shop.example.com', run: 4 });
  });
});
