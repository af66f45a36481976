// What a user can get wrong on the command line or in the environment: the built CLI must refuse
// with exit 2 and ONE line on stderr, print nothing on stdout, and connect nowhere.
import { describe, expect, it } from 'vitest';
import { type CliRun, runCli } from './support/run-cli.js';

const LABEL_300 = `${'a'.repeat(300)}.example.com`;

async function refused(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  // A resolver nobody listens on: if anything slipped through to a lookup it would fail, not leak.
  const run = await runCli(args, { CHECK502_DNS_SERVERS: '127.0.0.1:9', NO_COLOR: '1', ...env });
  expect(run.code, `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^check502: /);
  expect(lines[0]!.length).toBeLessThan(300);
  expect(run.net.filter((e) => e.kind === 'connect' || e.kind === 'resolve')).toEqual([]);
  return run;
}

describe('check502 diagnose refuses bad input with exit 2 and one line', () => {
  it.each([
    ['a shell injection in one argument', ['diagnose', ';rm -rf']],
    ['a shell injection split by the shell', ['diagnose', ';rm', '-rf']],
    ['a bare semicolon command', ['diagnose', ';rm']],
    ['an empty string', ['diagnose', '']],
    ['no site at all', ['diagnose']],
    ['a 300-character label', ['diagnose', LABEL_300]],
    ['two sites', ['diagnose', 'a.example.com', 'b.example.com']],
    ['an IP instead of a site', ['diagnose', '2130706433']],
    ['--timeout abc', ['diagnose', 'shop.example.com', '--timeout', 'abc']],
    ['--timeout 0', ['diagnose', 'shop.example.com', '--timeout', '0']],
    ['--timeout without a value', ['diagnose', 'shop.example.com', '--timeout']],
    ['an unknown flag', ['diagnose', 'shop.example.com', '--frobnicate']],
    ['an unknown short flag', ['diagnose', 'shop.example.com', '-x']],
    ['a hostile --origin', ['diagnose', 'shop.example.com', '--origin', '$(reboot)']],
    ['a file: URL', ['diagnose', 'file:///etc/passwd']],
  ])('%s', async (_label, args) => {
    await refused(args);
  });

  it('an unknown command', async () => {
    await refused(['diagnoze', 'shop.example.com']);
  });

  it.each([
    ['not an address', 'resolver.example'],
    ['a port out of range', '127.0.0.1:99999'],
    ['garbage', ';rm -rf /'],
  ])('a bad CHECK502_DNS_SERVERS (%s) names the variable', async (_label, value) => {
    const run = await refused(['diagnose', 'shop.example.com', '--json'], { CHECK502_DNS_SERVERS: value });
    expect(run.stderr).toContain('CHECK502_DNS_SERVERS');
  });

  it('a bad CHECK502_ALLOW_PRIVATE_NETS names the variable', async () => {
    const run = await refused(['diagnose', 'shop.example.com'], {
      CHECK502_ALLOW_PRIVATE_NETS: '127.0.0.0/99',
    });
    expect(run.stderr).toContain('CHECK502_ALLOW_PRIVATE_NETS');
  });
});
