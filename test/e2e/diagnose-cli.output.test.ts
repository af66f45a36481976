// `check502 diagnose` end to end (the built CLI in a fresh process against the loopback lab): what it
// prints (--json is one JSON document, human output without ANSI codes) and what it loads (none of
// the bot's code; the Cloudflare SDK only with a token).

import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/diagnosis/report.js';
import { apiEnv, baseEnv, cli, diagnoseLabForFile, lab } from './support/diagnose-cli.js';
import { SITE } from './support/lab.js';
import { runCli } from './support/run-cli.js';

diagnoseLabForFile();

describe('check502 diagnose output', () => {
  it('--json prints exactly one JSON document on stdout and nothing on stderr', async () => {
    lab.edge.setBehaviour(lab.proxyTo('refused'));
    const run = await cli([
      'diagnose',
      lab.url,
      '--json',
      '--timeout',
      '2',
      '--origin',
      lab.origins.origins.refused.address,
    ]);
    const report = JSON.parse(run.stdout) as Report;
    expect(run.stdout.trim().startsWith('{') && run.stdout.trim().endsWith('}')).toBe(true);
    expect(report.site).toBe(SITE);
    expect(report.url).toBe(lab.url);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['edge', 'origin', 'publicDns']));
    expect(run.stderr).toBe('');
  });

  it.each([
    ['piped, NO_COLOR unset', { NO_COLOR: '', TERM: 'xterm-256color' }],
    ['NO_COLOR=1', { NO_COLOR: '1', TERM: 'xterm-256color' }],
  ])('human output has no ANSI codes (%s) and names the primary cause', async (_label, env) => {
    lab.edge.setBehaviour(lab.proxyTo('refused'));
    const run = await cli(
      ['diagnose', lab.url, '--timeout', '2', '--origin', lab.origins.origins.refused.address],
      env,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expect(run.stderr).not.toMatch(/\u001b\[/);
    expect(run.stdout).toContain(lab.origins.origins.refused.address);
    expect(run.stdout).toMatch(/refus/i);
    expect(() => JSON.parse(run.stdout)).toThrow();
  });
});

describe('check502 diagnose loads what a diagnosis needs, not the bot', () => {
  // A one-off command starts in a fresh process each time: the chat, queue, server and metrics code
  // (and their packages) must not load for it, nor, without a token, the Cloudflare SDK and the
  // zone reader. The recorder sees every module loaded through `import`, lazily imported ones too.
  const unwanted = (modules: string[]) =>
    modules.filter((url) =>
      /\/dist\/(chat|jobs|http|metrics|incidents|roles|monitors)\/|\/node_modules\/(@slack|@discordjs|discord\.js|bullmq|ioredis|pino|prom-client|cloudflare)\//.test(
        url,
      ),
    );
  const zoneReader = (modules: string[]) => modules.filter((url) => url.endsWith('/cloudflare/read-zone.js'));
  const diagnose = (env: Record<string, string> = {}) =>
    runCli(
      ['diagnose', lab.url, '--json', '--timeout', '2', '--origin', lab.origins.origins.healthy.address],
      baseEnv(env),
      { logDir: lab.dir, recordModules: true },
    );

  it('without a token: no chat, queue, server, metrics or Cloudflare code', async () => {
    lab.edge.setBehaviour(lab.proxyTo('healthy', { strict: true }));
    const run = await diagnose();
    expect(run.code, run.stderr).toBe(0);
    expect(run.modules.some((url) => url.endsWith('/dist/diagnosis/engine.js'))).toBe(true);
    expect(unwanted(run.modules)).toEqual([]);
    expect(zoneReader(run.modules)).toEqual([]);
  });

  it('with a token: the zone reader and the SDK, still nothing of the bot', async () => {
    lab.api.scenario = lab.zone({ type: 'A', content: lab.origins.origins.healthy.address }, 'strict');
    lab.edge.setBehaviour(lab.proxyTo('healthy', { strict: true }));
    const run = await diagnose(apiEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(zoneReader(run.modules)).toHaveLength(1);
    expect(unwanted(run.modules).every((url) => url.includes('/node_modules/cloudflare/'))).toBe(true);
    expect(unwanted(run.modules)).not.toEqual([]);
  });
});
