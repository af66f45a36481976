// `check502 fix` end to end, as a user runs it: the BUILT CLI against the loopback lab (fake API with
// an audit log, fake edge answering 526, a self-signed origin) and real Redis. After "SSL/TLS mode
// full → strict" breaks the site: the preview changes nothing, --yes rolls it back once with the fix
// token only, re-checks, and undo puts it back. Without CLOUDFLARE_FIX_TOKEN nothing is even read.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { settingChanged } from '../fakes/audit-log-entries.js';
import { FAKE_FIX_TOKEN } from '../fakes/cloudflare-api/scenario.js';
import { removePrefix } from '../support/redis-cleanup.js';
import { redisEnv, uniquePrefix } from '../support/redis-test-target.js';
import { apiEnv, baseEnv, diagnoseLabForFile, lab } from './support/diagnose-cli.js';
import { ACCOUNT_ID, ZONE, ZONE_ID } from './support/lab.js';
import { type CliRun, offLoopback, runCli } from './support/run-cli.js';

const redis = inject('redisTarget');
const prefix = uniquePrefix(redis, 't');
diagnoseLabForFile();
afterAll(async () => {
  await removePrefix(redis, prefix);
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return baseEnv({ ...apiEnv(), ...redisEnv(redis, prefix), ...extra });
}

async function cli(args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCli(['fix', lab.url, ...args, '--timeout', '2'], env(extra), { logDir: lab.dir });
  expect(run.signal, `the CLI was killed; stderr: ${run.stderr}`).toBeNull();
  expect(offLoopback(run.net)).toEqual([]);
  return run;
}

function brokenByAChange(): void {
  const s = lab.zone({ type: 'A', content: lab.origins.origins.selfSigned.address }, 'strict');
  s.fixToken = FAKE_FIX_TOKEN;
  s.auditLogs[ACCOUNT_ID] = [
    settingChanged({
      zone: ZONE,
      zoneId: ZONE_ID,
      setting: 'ssl',
      from: 'full',
      to: 'strict',
      by: 'alice@example.com',
      when: new Date(Date.now() - 15 * 60_000),
    }),
  ];
  lab.api.scenario = s;
  lab.api.calls.length = 0;
  lab.edge.setBehaviour({ kind: 'branded', code: 526, errorSource: 'host' });
}
const writes = () => lab.api.calls.filter((c) => c.method !== 'GET' && c.path !== '/graphql');

// Each case spawns the built CLI up to three times (each runs a diagnosis): give them room on a busy CI.
describe('check502 fix (built CLI)', { timeout: 90_000 }, () => {
  it('without CLOUDFLARE_FIX_TOKEN: refuses at once, reads and writes nothing', async () => {
    brokenByAChange();
    const run = await cli(['rollback', '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('fixes are disabled: set CLOUDFLARE_FIX_TOKEN');
    expect(lab.api.calls).toHaveLength(0);
  });

  it('previews, applies with --yes once, re-checks, and undo puts it back', async () => {
    brokenByAChange();
    const fixEnv = { CLOUDFLARE_FIX_TOKEN: FAKE_FIX_TOKEN };
    const preview = await cli(['rollback'], fixEnv);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('SSL/TLS mode: strict → full');
    expect(preview.stdout).toContain('Gives up: Cloudflare stops validating');
    expect(preview.stdout).toContain('Nothing changed. Re-run with --yes');
    expect(writes()).toHaveLength(0);

    const applied = await cli(['rollback', '--yes'], fixEnv);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Done: SSL/TLS mode: strict → full');
    expect(applied.stdout).toMatch(/Re-check: shop\.lab\.test is \w+/);
    expect(writes().map((c) => [c.method, c.path, c.body, c.authorization])).toEqual([
      ['PATCH', `/zones/${ZONE_ID}/settings/ssl`, { value: 'full' }, `Bearer ${FAKE_FIX_TOKEN}`],
    ]);
    expect(lab.api.scenario.settings[ZONE_ID]?.['ssl']).toBe('full');
    const undoCommand = /check502 fix \S+ undo (\S+) --yes/.exec(applied.stdout);
    expect(undoCommand).not.toBeNull();

    const undone = await cli(['undo', undoCommand?.[1] ?? '', '--yes'], fixEnv);
    expect(undone.code, undone.stderr).toBe(0);
    expect(undone.stdout).toContain('Undone: SSL/TLS mode is strict again');
    expect(lab.api.scenario.settings[ZONE_ID]?.['ssl']).toBe('strict');
    expect(writes()).toHaveLength(2);
  });

  it('an action the evidence does not support is refused with what is available', async () => {
    brokenByAChange();
    const run = await cli(['purge', '--yes'], { CLOUDFLARE_FIX_TOKEN: FAKE_FIX_TOKEN });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not support "purge".*available: rollback/);
    expect(writes()).toHaveLength(0);
  });
});
