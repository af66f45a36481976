// `check502 timeline <site> [--incident <site>#<n>]`: the site's latest incident (or the one named)
// as a Markdown timeline on stdout, read from Redis (REDIS_URL, CHECK502_QUEUE_PREFIX), for a postmortem.
// Exit: 0 printed, 1 no such incident, 2 could not run (bad arguments, configuration, Redis down).
import { parseArgs } from 'node:util';
import { ConfigError, type Env, loadServerConfig, type ServerConfig } from '../config.js';
import { parseSite } from '../diagnosis/target.js';

interface Output {
  write(text: string): unknown;
}

export async function runTimeline(argv: string[], env: Env, stdout: Output, stderr: Output): Promise<number> {
  const fail = (reason: string, code = 2) => {
    stderr.write(`check502: ${reason}\n`);
    return code;
  };
  let values: { incident?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { incident: { type: 'string' } },
    }));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (positionals.length !== 1)
    return fail('timeline needs one site, e.g. check502 timeline shop.example.com');
  const site = parseSite(positionals[0]!);
  if (!site.ok) return fail(site.reason);
  const host = site.target.host;
  if (values.incident !== undefined && !values.incident.startsWith(`${host}#`))
    return fail(`--incident must be one of ${host}'s incidents, like ${host}#2`);
  let config: ServerConfig;
  try {
    config = loadServerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const [{ createFrontRedis, waitUntilReady, closeRedis }, { loadTimeline }, { redisTarget }] =
    await Promise.all([
      import('../jobs/redis-clients.js'),
      import('../incidents/load-timeline.js'),
      import('../jobs/redis-target.js'),
    ]);
  const redis = createFrontRedis(redisTarget(config));
  redis.on('error', () => {});
  try {
    if (!(await waitUntilReady(redis, 3000)))
      return fail('incident history lives in Redis (REDIS_URL), which did not answer');
    const result = await loadTimeline(redis, config.queuePrefix, host, values.incident);
    if (!result.ok) return fail(result.reason, 1);
    stdout.write(result.markdown);
    return 0;
  } finally {
    await closeRedis(redis);
  }
}
