// `check502 doctor [--zone <zone>] [--json]`: checks the configuration, the Cloudflare token and
// each permission on a zone, Redis and the chat tokens. Exit 0 when everything configured works,
// 1 when something does not, 2 on bad arguments.
import { parseArgs } from 'node:util';
import type { Env, ServerConfig } from '../config.js';
import { renderDoctor } from '../doctor/render-doctor.js';
import { runDoctorChecks } from '../doctor/run-doctor.js';
import type { CredentialChecker } from '../doctor/service-rows.js';
import { withTimeout } from '../time/with-timeout.js';

interface Output {
  write(text: string): unknown;
}

export async function runDoctor(argv: string[], env: Env, stdout: Output, stderr: Output): Promise<number> {
  let values: { zone?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { zone: { type: 'string' }, json: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    stderr.write(`check502: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const { createFrontRedis } = await import('../jobs/redis-clients.js');
  const report = await runDoctorChecks({
    env,
    ...(values.zone ? { zone: values.zone } : {}),
    connectRedis: (url) => createFrontRedis(url),
    chatCheckers,
  });
  stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctor(report));
  return report.ok ? 0 : 1;
}

/** The same sinks the worker posts with; each asks its platform whose token it holds. */
async function sinksOf(config: ServerConfig) {
  const { buildSinks } = await import('../roles/sinks.js');
  const { createLogger } = await import('../log/logger.js');
  return buildSinks(config, createLogger({ level: 'silent' }));
}

function chatCheckers(config: ServerConfig): CredentialChecker[] {
  const platforms = [
    ...(config.slack ? (['slack'] as const) : []),
    ...(config.discord ? (['discord'] as const) : []),
  ];
  return platforms.map((platform) => ({
    platform,
    async check() {
      const sink = (await sinksOf(config))[platform];
      // The deadline covers the platform's answer, not loading the chat client.
      const answer = await withTimeout(
        sink?.checkCredentials?.() ?? Promise.resolve(undefined),
        5000,
        'token check',
      ).catch(() => ({ ok: false as const, reason: 'no answer within 5000 ms', refused: false }));
      if (!answer) return { ok: false as const, reason: 'no token check available', refused: false };
      return answer.ok
        ? {
            ok: true as const,
            who: `${answer.identity.name}${answer.identity.workspace ? ` in ${answer.identity.workspace}` : ''}`,
          }
        : { ok: false as const, reason: answer.reason, refused: answer.refused };
    },
  }));
}
