// The only reader of process.env. Every variable is parsed with the small schema in env-schema.ts;
// a bad value stops the program with one line naming the variable and what was expected.
import { isIP } from 'node:net';

import { ConfigError, type Env, group, integer, list, oneOf, text, url } from './env-schema.js';

export { ConfigError, type Env } from './env-schema.js';

export interface DnsServer {
  host: string;
  port: number;
}

/** What `check502 diagnose` needs: no chat, no Redis. */
export interface DiagnosisConfig {
  cloudflareApiToken?: string;
  /** CLOUDFLARE_FIX_TOKEN: the write-scoped token of the guarded fixes (kept apart from the read token). */
  cloudflareFixToken?: string;
  /** Read by the SDK itself too; kept here so the reader is built explicitly. */
  cloudflareBaseUrl?: string;
  dnsServers: DnsServer[];
  allowPrivateNets: string[];
}

export interface SlackConfig {
  signingSecret: string;
  botToken: string;
  apiUrl?: string;
  appToken?: string;
}

export interface DiscordConfig {
  applicationId: string;
  publicKey: string;
  botToken: string;
  apiUrl?: string;
}

export interface HostPort {
  host: string;
  port: number;
}

/** `host:port` (IPv6 as `[::1]:port`); undefined when it is not one. */
export function parseHostPort(value: string, defaultPort: number): HostPort | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match) return undefined;
  const port = match[3] === undefined ? defaultPort : Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** Where Redis is: REDIS_URL, plus REDIS_CLUSTER_NODES or REDIS_SENTINELS (src/jobs/redis-target.ts). */
export interface RedisConfig {
  redisUrl: string;
  /** Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES); REDIS_URL gives credentials and TLS. */
  redisCluster?: HostPort[];
  /** Sentinels and the primary's name (REDIS_SENTINELS, REDIS_SENTINEL_NAME). */
  redisSentinel?: { sentinels: HostPort[]; name: string };
  /**
   * Replicas that must hold an accepted alert before its 2xx (REDIS_WAIT_REPLICAS, Redis WAIT):
   * with Sentinel, a failover to a replica that had not received it would lose it. Not on Cluster.
   */
  redisWaitReplicas?: number;
  /** BullMQ key prefix; a hash tag such as `{check502}` on Redis Cluster (the default there). */
  queuePrefix: string;
}

export interface ServerConfig extends DiagnosisConfig, RedisConfig {
  port: number;
  host: string;
  slack?: SlackConfig;
  discord?: DiscordConfig;
  webhookSecret?: string;
  /** Days an incident's timeline is kept after its last event (CHECK502_INCIDENT_RETENTION_DAYS). */
  incidentRetentionDays?: number;
  /** Secrets of senders that sign their webhooks (CHECK502_PAGERDUTY_WEBHOOK_SECRET, CHECK502_CHECKLY_WEBHOOK_SECRET). */
  senderSecrets?: { pagerduty?: string; checkly?: string };
  alertSlackChannel?: string;
  alertDiscordChannel?: string;
  workerConcurrency: number;
  logLevel: string;
  shutdownTimeoutMs: number;
  /** `check502 worker` serves /healthz, /readyz and /metrics on this port when set. */
  workerOpsPort?: number;
  /** Slack user IDs allowed to apply guarded fixes (CHECK502_FIX_ALLOWED_USERS). */
  fixAllowedUsers: string[];
  /** Discord role IDs allowed to apply guarded fixes (CHECK502_FIX_ALLOWED_ROLES). */
  fixAllowedRoles: string[];
  /** Open connections one client address may hold on the HTTP server; more are closed at once. */
  maxConnectionsPerAddress: number;
  /** CHECK502_SHOW_ORIGIN_ADDRESSES: `private` hides origin IPs in shared channels; `always` shows them. */
  showOriginAddresses: 'private' | 'always';
}

export function loadDiagnosisConfig(env: Env): DiagnosisConfig {
  const config: DiagnosisConfig = {
    dnsServers: list(env, 'CHECK502_DNS_SERVERS').map((item) => dnsServer(item)),
    allowPrivateNets: list(env, 'CHECK502_ALLOW_PRIVATE_NETS').map((item) => cidr(item)),
  };
  const token = text(env, 'CLOUDFLARE_API_TOKEN');
  if (token !== undefined) config.cloudflareApiToken = token;
  const fixToken = text(env, 'CLOUDFLARE_FIX_TOKEN');
  if (fixToken !== undefined) {
    // A separate token, so reads never carry write rights and fixes can be revoked on their own.
    if (fixToken === token)
      throw new ConfigError(
        'CLOUDFLARE_FIX_TOKEN',
        'a separate token from CLOUDFLARE_API_TOKEN (write-only scope)',
      );
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(fixToken))
      throw new ConfigError(
        'CLOUDFLARE_FIX_TOKEN',
        'an API token (letters, digits, - and _; no "Bearer " or quotes)',
      );
    config.cloudflareFixToken = fixToken;
  }
  const base = url(env, 'CLOUDFLARE_BASE_URL');
  if (base !== undefined) config.cloudflareBaseUrl = base;
  return config;
}

/** What `check502 fix` needs: a diagnosis, plus Redis for the once-keys, Undo and the audit trail. */
export interface FixCliConfig extends DiagnosisConfig, RedisConfig {}

export function loadFixCliConfig(env: Env): FixCliConfig {
  return { ...loadDiagnosisConfig(env), ...loadRedisConfig(env) };
}

/** REDIS_URL alone, or with a Cluster's seeds or Sentinel's addresses (one of them). */
export function loadRedisConfig(env: Env): RedisConfig {
  const config: RedisConfig = {
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']) ?? 'redis://127.0.0.1:6379',
    queuePrefix: text(env, 'CHECK502_QUEUE_PREFIX') ?? 'check502',
  };
  const nodes = hostPorts(env, 'REDIS_CLUSTER_NODES', 6379);
  const sentinels = hostPorts(env, 'REDIS_SENTINELS', 26379);
  if (nodes.length > 0 && sentinels.length > 0)
    throw new ConfigError(
      'REDIS_SENTINELS',
      'not together with REDIS_CLUSTER_NODES (a deployment is one or the other)',
    );
  if (nodes.length > 0) {
    config.redisCluster = nodes;
    // Every key of one job or incident must hash to one slot: the prefix carries a hash tag.
    if (text(env, 'CHECK502_QUEUE_PREFIX') === undefined) config.queuePrefix = '{check502}';
    else if (!/\{[^{}]+\}/.test(config.queuePrefix))
      throw new ConfigError(
        'CHECK502_QUEUE_PREFIX',
        'a hash tag such as {check502} on Redis Cluster (REDIS_CLUSTER_NODES)',
      );
  }
  if (sentinels.length > 0)
    config.redisSentinel = { sentinels, name: text(env, 'REDIS_SENTINEL_NAME') ?? 'mymaster' };
  const waitReplicas = integer(env, 'REDIS_WAIT_REPLICAS', 0, 16);
  if (waitReplicas !== undefined && waitReplicas > 0) {
    // WAIT answers for the node it is sent to; a Cluster client would send it to any master.
    if (nodes.length > 0)
      throw new ConfigError('REDIS_WAIT_REPLICAS', 'not with REDIS_CLUSTER_NODES (WAIT is per node)');
    config.redisWaitReplicas = waitReplicas;
  }
  return config;
}

function hostPorts(env: Env, name: string, defaultPort: number): HostPort[] {
  return list(env, name).map((entry) => {
    const parsed = parseHostPort(entry, defaultPort);
    if (!parsed) throw new ConfigError(name, `comma-separated host:port, got "${entry.slice(0, 40)}"`);
    return parsed;
  });
}

export function loadServerConfig(env: Env): ServerConfig {
  const config: ServerConfig = {
    ...loadDiagnosisConfig(env),
    ...loadRedisConfig(env),
    port: integer(env, 'PORT', 0, 65535) ?? 3000,
    host: text(env, 'HOST') ?? '0.0.0.0',
    workerConcurrency: integer(env, 'CHECK502_WORKER_CONCURRENCY', 1, 256) ?? 8,
    logLevel:
      oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) ?? 'info',
    shutdownTimeoutMs: (integer(env, 'CHECK502_SHUTDOWN_TIMEOUT', 1, 3600) ?? 25) * 1000,
    fixAllowedUsers: list(env, 'CHECK502_FIX_ALLOWED_USERS').map((u) => {
      if (!/^[UW][A-Z0-9]{2,20}$/.test(u))
        throw new ConfigError(
          'CHECK502_FIX_ALLOWED_USERS',
          `comma-separated Slack user IDs (U…/W…), got "${u.slice(0, 20)}"`,
        );
      return u;
    }),
    fixAllowedRoles: list(env, 'CHECK502_FIX_ALLOWED_ROLES').map((r) => {
      if (!/^\d{5,25}$/.test(r))
        throw new ConfigError(
          'CHECK502_FIX_ALLOWED_ROLES',
          `comma-separated Discord role IDs (numbers), got "${r.slice(0, 20)}"`,
        );
      return r;
    }),
    maxConnectionsPerAddress: integer(env, 'CHECK502_MAX_CONNECTIONS_PER_ADDRESS', 1, 100_000) ?? 256,
    showOriginAddresses: oneOf(env, 'CHECK502_SHOW_ORIGIN_ADDRESSES', ['private', 'always']) ?? 'private',
  };
  const opsPort = integer(env, 'CHECK502_WORKER_OPS_PORT', 1, 65535);
  if (opsPort !== undefined) config.workerOpsPort = opsPort;
  const slack = group(env, ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']);
  if (slack) {
    const slackConfig: SlackConfig = {
      signingSecret: slack['SLACK_SIGNING_SECRET']!,
      botToken: slack['SLACK_BOT_TOKEN']!,
    };
    const apiUrl = url(env, 'SLACK_API_URL');
    if (apiUrl !== undefined) slackConfig.apiUrl = apiUrl;
    const appToken = text(env, 'SLACK_APP_TOKEN');
    if (appToken !== undefined) {
      if (!appToken.startsWith('xapp-'))
        throw new ConfigError('SLACK_APP_TOKEN', 'an app-level token starting with xapp-');
      slackConfig.appToken = appToken;
    }
    config.slack = slackConfig;
  }
  const discord = group(env, ['DISCORD_APPLICATION_ID', 'DISCORD_PUBLIC_KEY', 'DISCORD_BOT_TOKEN']);
  if (discord) {
    const applicationId = discord['DISCORD_APPLICATION_ID']!;
    const publicKey = discord['DISCORD_PUBLIC_KEY']!;
    if (!/^\d{5,25}$/.test(applicationId))
      throw new ConfigError('DISCORD_APPLICATION_ID', 'a numeric snowflake id');
    if (!/^[0-9a-f]{64}$/i.test(publicKey))
      throw new ConfigError('DISCORD_PUBLIC_KEY', '64 hex characters (32 bytes)');
    const discordConfig: DiscordConfig = {
      applicationId,
      publicKey,
      botToken: discord['DISCORD_BOT_TOKEN']!,
    };
    const apiUrl = url(env, 'DISCORD_API_URL');
    if (apiUrl !== undefined) discordConfig.apiUrl = apiUrl;
    config.discord = discordConfig;
  }
  const secret = text(env, 'CHECK502_WEBHOOK_SECRET');
  if (secret !== undefined) {
    if (secret.length < 16) throw new ConfigError('CHECK502_WEBHOOK_SECRET', 'at least 16 characters');
    config.webhookSecret = secret;
  }
  const retention = integer(env, 'CHECK502_INCIDENT_RETENTION_DAYS', 1, 3650);
  if (retention !== undefined) config.incidentRetentionDays = retention;
  const pagerduty = text(env, 'CHECK502_PAGERDUTY_WEBHOOK_SECRET');
  if (pagerduty !== undefined) config.senderSecrets = { ...config.senderSecrets, pagerduty };
  const checkly = text(env, 'CHECK502_CHECKLY_WEBHOOK_SECRET');
  if (checkly !== undefined) config.senderSecrets = { ...config.senderSecrets, checkly };
  const slackChannel = text(env, 'ALERT_SLACK_CHANNEL');
  if (slackChannel !== undefined) config.alertSlackChannel = slackChannel;
  const discordChannel = text(env, 'ALERT_DISCORD_CHANNEL');
  if (discordChannel !== undefined) {
    if (!/^\d{5,25}$/.test(discordChannel))
      throw new ConfigError('ALERT_DISCORD_CHANNEL', 'a numeric channel id');
    config.alertDiscordChannel = discordChannel;
  }
  return config;
}

/** What `check502 discord register` needs: the application and its bot token (no public key, no Redis). */
export function loadDiscordRegisterConfig(env: Env): Omit<DiscordConfig, 'publicKey'> {
  const discord = group(env, ['DISCORD_APPLICATION_ID', 'DISCORD_BOT_TOKEN']);
  if (!discord) throw new ConfigError('DISCORD_APPLICATION_ID', 'must be set (with DISCORD_BOT_TOKEN)');
  const applicationId = discord['DISCORD_APPLICATION_ID']!;
  if (!/^\d{5,25}$/.test(applicationId))
    throw new ConfigError('DISCORD_APPLICATION_ID', 'a numeric snowflake id');
  const config: Omit<DiscordConfig, 'publicKey'> = { applicationId, botToken: discord['DISCORD_BOT_TOKEN']! };
  const apiUrl = url(env, 'DISCORD_API_URL');
  if (apiUrl !== undefined) config.apiUrl = apiUrl;
  return config;
}

// ---- parts only this file's variables use ----

function dnsServer(item: string): DnsServer {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
  const [host, port] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : isIP(item) === 6
      ? [item, undefined]
      : (item.split(':') as [string, string | undefined]);
  const portNumber = port === undefined ? 53 : Number(port);
  if (isIP(host) === 0 || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    throw new ConfigError('CHECK502_DNS_SERVERS', `comma-separated ip[:port] entries, got "${item}"`);
  }
  return { host, port: portNumber };
}

function cidr(item: string): string {
  const [address = '', prefix] = item.split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  const bits = prefix === undefined ? max : Number(prefix);
  if (family === 0 || !/^\d*$/.test(prefix ?? '') || !Number.isInteger(bits) || bits < 0 || bits > max) {
    throw new ConfigError(
      'CHECK502_ALLOW_PRIVATE_NETS',
      `comma-separated CIDRs such as 127.0.0.0/8, got "${item}"`,
    );
  }
  return `${address}/${bits}`;
}
