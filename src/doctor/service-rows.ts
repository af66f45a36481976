// The rest of `check502 doctor`: every variable parsed as the program would at start, Redis
// reached (PING), and the Slack and Discord bot tokens checked with their platforms (auth.test,
// GET /users/@me) through the same sinks the bot posts with. Unset optional features are listed
// with what they would turn on; only configured ones that fail make the doctor fail.
import type { Redis } from 'ioredis';
import type { Platform } from '../chat/sink.js';
import type { Env, ServerConfig } from '../config.js';
import { waitUntilReady } from '../jobs/redis-clients.js';
import { type RedisTarget, redisTarget } from '../jobs/redis-target.js';
import type { DoctorRow } from './doctor-row.js';

export function featureRows(config: ServerConfig, env: Env): DoctorRow[] {
  const rows: DoctorRow[] = [];
  const area = 'configuration';
  if (!config.cloudflareApiToken) {
    rows.push({
      area,
      item: 'CLOUDFLARE_API_TOKEN',
      status: 'missing',
      detail: 'not set',
      disables: 'every Cloudflare check (zone, DNS, SSL mode, tunnels, load balancers, Workers, analytics)',
      fix: 'Set CLOUDFLARE_API_TOKEN to a read-only API token (docs/cloudflare-token.md).',
    });
  }
  if (!config.slack)
    rows.push({
      area,
      item: 'SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN',
      status: 'missing',
      detail: 'not set',
      disables: 'the /check502 Slack command and Slack posts',
      fix: 'Set both from the Slack app (docs/slack.md).',
    });
  if (!config.discord)
    rows.push({
      area,
      item: 'DISCORD_APPLICATION_ID, DISCORD_PUBLIC_KEY, DISCORD_BOT_TOKEN',
      status: 'missing',
      detail: 'not set',
      disables: 'the Discord /check502 command and Discord posts',
      fix: 'Set all three from the Discord application (docs/discord.md).',
    });
  if (!config.webhookSecret)
    rows.push({
      area,
      item: 'CHECK502_WEBHOOK_SECRET',
      status: 'missing',
      detail: 'not set',
      disables: 'alert webhooks (every delivery is refused)',
      fix: 'Set CHECK502_WEBHOOK_SECRET (16+ characters) and give it to the alert senders (docs/webhooks.md).',
    });
  else if (!config.alertSlackChannel && !config.alertDiscordChannel)
    rows.push({
      area,
      item: 'ALERT_SLACK_CHANNEL / ALERT_DISCORD_CHANNEL',
      status: 'missing',
      detail: 'webhooks are accepted but no channel is named',
      disables: 'posting incidents from alert webhooks',
      fix: 'Set ALERT_SLACK_CHANNEL (channel id) or ALERT_DISCORD_CHANNEL.',
    });
  if (!env['CLOUDFLARE_FIX_TOKEN']?.trim())
    rows.push({
      area,
      item: 'CLOUDFLARE_FIX_TOKEN',
      status: 'missing',
      detail: 'not set',
      disables: 'guarded fixes (check502 fix)',
      fix: 'Optional: a separate token with only the write permissions of the fixes.',
    });
  return rows;
}

/** PING within the deadline; failing only when something configured needs Redis. */
export async function redisRow(
  config: ServerConfig,
  env: Env,
  connect: (target: RedisTarget) => Redis,
  deadlineMs = 3000,
): Promise<DoctorRow> {
  const needed =
    env['REDIS_URL'] !== undefined ||
    config.redisCluster !== undefined ||
    config.redisSentinel !== undefined ||
    config.slack !== undefined ||
    config.discord !== undefined ||
    config.webhookSecret !== undefined;
  const mode = config.redisCluster
    ? ` (cluster: ${config.redisCluster.length} seed nodes)`
    : config.redisSentinel
      ? ` (sentinel: ${config.redisSentinel.name})`
      : '';
  const where = `${config.redisUrl.replace(/\/\/[^@/]*@/, '//***@')}${mode}`;
  const redis = connect(redisTarget(config));
  // The first connection error answers at once (refused, unknown host) instead of the deadline.
  const failed = new Promise<never>((_, reject) => redis.once('error', (e: Error) => reject(e)));
  failed.catch(() => {});
  redis.on('error', () => {});
  try {
    // The front's client has no offline queue: wait for the connection, then PING.
    const ready = await Promise.race([waitUntilReady(redis, deadlineMs), failed]);
    if (!ready) throw new Error(`no connection within ${deadlineMs} ms`);
    const answer = await redis.ping();
    return { area: 'redis', item: 'REDIS_URL', status: 'ok', detail: `${where} answered ${answer}` };
  } catch (error) {
    return {
      area: 'redis',
      item: 'REDIS_URL',
      status: needed ? 'failed' : 'skipped',
      detail: `${where} unreachable: ${error instanceof Error ? error.message : String(error)}${needed ? '' : ' (only serve and worker need Redis; diagnose does not)'}`,
      disables: 'serve and worker: no queue, no incidents, no chat commands',
      fix: 'Start Redis or set REDIS_URL to a reachable redis:// or rediss:// URL.',
    };
  } finally {
    redis.disconnect();
  }
}

export interface CredentialChecker {
  platform: Platform;
  check(): Promise<{ ok: true; who: string } | { ok: false; reason: string; refused: boolean }>;
}

export async function chatRows(checkers: CredentialChecker[], deadlineMs = 20_000): Promise<DoctorRow[]> {
  return Promise.all(
    checkers.map(async ({ platform, check }) => {
      const item = platform === 'slack' ? 'SLACK_BOT_TOKEN' : 'DISCORD_BOT_TOKEN';
      const name = platform === 'slack' ? 'Slack' : 'Discord';
      const answer = await Promise.race([
        check(),
        new Promise<{ ok: false; reason: string; refused: false }>((resolve) =>
          setTimeout(
            () => resolve({ ok: false, reason: `no answer within ${deadlineMs} ms`, refused: false }),
            deadlineMs,
          ).unref(),
        ),
      ]);
      if (answer.ok)
        return { area: platform, item, status: 'ok', detail: `${name} says the bot is ${answer.who}` };
      return {
        area: platform,
        item,
        status: 'failed',
        detail: answer.refused
          ? `${name} refused the token (${answer.reason})`
          : `${name} could not be asked (${answer.reason})`,
        disables: `every ${name} post`,
        fix: answer.refused
          ? `Replace ${item} with the app's current bot token (docs/${platform}.md).`
          : `Check outbound HTTPS to ${name} (or ${platform === 'slack' ? 'SLACK_API_URL' : 'DISCORD_API_URL'}).`,
      } satisfies DoctorRow;
    }),
  );
}
