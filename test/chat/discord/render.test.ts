import { embedLength } from '@discordjs/builders';
import type { APIEmbed } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { fitEmbeds, totalLength } from '../../../src/chat/discord/render/fit-embeds.js';
import { renderCheck } from '../../../src/chat/discord/render/render-check.js';
import { renderRootDone, renderRootPending } from '../../../src/chat/discord/render/render-root.js';
import { renderSummary } from '../../../src/chat/discord/render/render-summary.js';
import { parseRerunId, rerunCustomId } from '../../../src/chat/discord/render/rerun-button.js';
import { escapeText } from '../../../src/chat/discord/render/text.js';
import { reported } from '../../support/findings.js';
import { refusedReport } from './fixtures.js';

function within(embeds: APIEmbed[]) {
  expect(embeds.length).toBeLessThanOrEqual(10);
  expect(totalLength(embeds)).toBeLessThanOrEqual(6000);
  for (const embed of embeds) {
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(256);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeGreaterThan(0);
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeGreaterThan(0);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
  }
}

describe('Discord rendering', () => {
  it('shows the verdict, the primary cause with its code, the steps and a Re-run button', () => {
    const summary = renderSummary(refusedReport(), { site: 'shop.example.com', run: 1 }, 'private');
    const embed = summary.embeds?.[0];
    expect(embed?.title).toContain('shop.example.com: failing');
    expect(embed?.url).toBe('https://shop.example.com/');
    expect(embed?.description).toContain('The origin refuses connections on port 443');
    expect(embed?.description).toContain('`origin.connection_refused`');
    const steps = embed?.fields?.find((f) => f.name === 'What to do')?.value ?? '';
    expect(steps).toMatch(/^1\. Start the web server/);
    expect(steps).toContain('2. Open port 443');
    // The edge's 521 is what a refusing origin looks like from outside: folded under the cause.
    expect(embed?.fields?.find((f) => f.name === 'Explains')?.value).toContain('edge.error');
    expect(embed?.fields?.find((f) => f.name === 'Also found')).toBeUndefined();
    const button = (summary.components?.[0]?.components?.[0] ?? {}) as { custom_id?: string; label?: string };
    expect(button.label).toBe('Re-run');
    expect(parseRerunId(button.custom_id ?? '')).toEqual({ site: 'shop.example.com', run: 2 });
    expect(summary.allowed_mentions).toEqual({ parse: [] });
  });

  it('posts one embed per problem with its facts in words and its code in the footer, no key dump', () => {
    const report = refusedReport();
    const message = renderCheck(
      { name: 'origin', status: 'failed', durationMs: 15 },
      report.findings.slice(1, 2),
      'private',
    );
    expect(message?.content).toContain('**Origin (direct)** found a problem · 15 ms');
    expect(message?.embeds?.[0]?.footer?.text).toBe('origin.connection_refused');
    expect(message?.embeds?.[0]?.description).toContain('port 443');
    expect(message?.embeds?.[0]?.fields).toBeUndefined();
  });

  it('posts nothing for a check without a problem (it is one line in the summary)', () => {
    const ok = reported({
      code: 'edge.ok',
      severity: 'ok',
      title: 'The edge answers',
      detail: '',
      evidence: { status: 200 },
    });
    expect(renderCheck({ name: 'edge', status: 'passed', durationMs: 40 }, [ok], 'private')).toBeUndefined();
  });

  it('keeps a report with huge evidence within every embed limit', () => {
    const huge = 'x'.repeat(50_000);
    const findings = Array.from({ length: 14 }, (_, i) =>
      reported({
        code: 'origin.invalid_response',
        severity: 'error',
        title: `T${i} ${'y'.repeat(400)}`,
        detail: huge,
        evidence: { errorMessage: huge, host: huge, endpoint: huge },
        remediation: [huge, huge],
      }),
    );
    const check = renderCheck({ name: 'origin', status: 'failed', durationMs: 1 }, findings, 'private');
    within(check?.embeds ?? []);
    expect(check?.embeds?.at(-1)?.title).toMatch(/more findings/);
    // Evidence stays in --json and Details: the thread never carries the 50 kB body.
    expect(JSON.stringify(check).length).toBeLessThan(12_000);

    const report = { ...refusedReport(), findings };
    report.primaryCause = 'origin.invalid_response';
    const summary = renderSummary(report, undefined, 'private');
    within(summary.embeds ?? []);
    expect((summary.embeds ?? []).map(embedLength).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(6000);
  });

  it('brings any set of embeds under the 6000-character total', () => {
    const embeds: APIEmbed[] = Array.from({ length: 12 }, () => ({
      title: 't'.repeat(300),
      description: 'd'.repeat(5000),
      fields: Array.from({ length: 30 }, () => ({ name: 'n'.repeat(300), value: 'v'.repeat(2000) })),
      footer: { text: 'f'.repeat(3000) },
    }));
    within(fitEmbeds(embeds));
  });

  it('escapes markdown and defuses mentions in user-provided text', () => {
    expect(escapeText('**bold** @everyone <@123> [x](https://evil)')).toBe(
      '\\*\\*bold\\*\\* @\u200beveryone <\u200b@123> \\[x\\](https://evil)',
    );
    const pending = renderRootPending({ site: 'a_b*.example.com', requestedBy: '123456789012' }, 'private');
    expect(pending.content).toContain('a\\_b\\*.example.com');
    expect(pending.content).toContain('<@123456789012>');
    const evidence = renderCheck(
      { name: 'edge', status: 'failed', durationMs: 1 },
      [
        reported({
          code: 'edge.error',
          severity: 'error',
          title: 't',
          detail: 'd',
          evidence: { reason: '```\n@everyone' },
        }),
      ],
      'private',
    );
    const description = evidence?.embeds?.[0]?.description ?? '';
    expect(description).toContain('@\u200beveryone');
    expect(description).not.toContain('```');
  });

  it('edits the root into the verdict and primary cause', () => {
    const done = renderRootDone(refusedReport(), { site: 'shop.example.com' }, 'private');
    expect(done.content).toContain('**shop.example.com**: failing');
    expect(done.content).toContain('`origin.connection_refused`');
    const incident = renderRootDone(
      undefined,
      {
        site: 'shop.example.com',
        incident: {
          id: 'inc-1',
          state: 'open',
          alerts: 12,
          sources: ['alertmanager'],
          firstSeen: 'a',
          lastSeen: 'b',
        },
      },
      'private',
    );
    expect(incident.embeds?.[0]?.title).toContain('inc-1: open');
  });

  it('keeps Re-run custom ids within 100 characters', () => {
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.example.com`;
    expect(rerunCustomId(long, 3).length).toBeLessThanOrEqual(100);
    expect(parseRerunId(rerunCustomId(long, 3))).toEqual({ site: undefined, run: 3 });
    expect(parseRerunId('something-else')).toBeUndefined();
  });
});
