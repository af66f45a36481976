import { describe, expect, it } from 'vitest';
import { loadDiagnosisConfig, loadServerConfig } from '../../src/config.js';

describe('loadDiagnosisConfig', () => {
  it('has usable defaults with an empty environment', () => {
    expect(loadDiagnosisConfig({})).toEqual({ dnsServers: [], allowPrivateNets: [] });
  });

  it('parses resolvers with and without ports, IPv4 and IPv6', () => {
    const config = loadDiagnosisConfig({
      CHECK502_DNS_SERVERS: '1.1.1.1, 127.0.0.1:5353,[::1]:53,2606:4700::1111',
    });
    expect(config.dnsServers).toEqual([
      { host: '1.1.1.1', port: 53 },
      { host: '127.0.0.1', port: 5353 },
      { host: '::1', port: 53 },
      { host: '2606:4700::1111', port: 53 },
    ]);
  });

  it('normalises allowed networks to CIDRs', () => {
    expect(loadDiagnosisConfig({ CHECK502_ALLOW_PRIVATE_NETS: '127.0.0.0/8,::1' }).allowPrivateNets).toEqual([
      '127.0.0.0/8',
      '::1/128',
    ]);
  });

  it.each([
    ['CHECK502_DNS_SERVERS', 'resolver.example.com'],
    ['CHECK502_DNS_SERVERS', '1.1.1.1:99999'],
    ['CHECK502_ALLOW_PRIVATE_NETS', '10.0.0.0/33'],
    ['CHECK502_ALLOW_PRIVATE_NETS', 'everything'],
    ['CLOUDFLARE_BASE_URL', 'not a url'],
  ])('refuses %s=%j with one line naming the variable', (name, value) => {
    expect(() => loadDiagnosisConfig({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});

describe('loadServerConfig', () => {
  it('enables Slack only when both credentials are present', () => {
    expect(loadServerConfig({}).slack).toBeUndefined();
    expect(() => loadServerConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      /^SLACK_SIGNING_SECRET: must be set together/,
    );
    expect(loadServerConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 's',
    });
  });

  it('validates Discord credentials', () => {
    const base = {
      DISCORD_APPLICATION_ID: '123456789012',
      DISCORD_BOT_TOKEN: 't',
      DISCORD_PUBLIC_KEY: 'ab'.repeat(32),
    };
    expect(loadServerConfig(base).discord?.applicationId).toBe('123456789012');
    expect(() => loadServerConfig({ ...base, DISCORD_PUBLIC_KEY: 'xyz' })).toThrow(/^DISCORD_PUBLIC_KEY: /);
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['CHECK502_WEBHOOK_SECRET', 'short'],
    ['LOG_LEVEL', 'loud'],
    ['CHECK502_WORKER_OPS_PORT', '0'],
    ['CHECK502_WORKER_OPS_PORT', '65536'],
    ['CHECK502_WORKER_OPS_PORT', 'metrics'],
    ['CHECK502_MAX_CONNECTIONS_PER_ADDRESS', '0'],
    ['CHECK502_MAX_CONNECTIONS_PER_ADDRESS', 'many'],
    ['CHECK502_SHOW_ORIGIN_ADDRESSES', 'never'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => loadServerConfig({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it('gives workers an ops port only when CHECK502_WORKER_OPS_PORT is set', () => {
    expect(loadServerConfig({}).workerOpsPort).toBeUndefined();
    expect(loadServerConfig({ CHECK502_WORKER_OPS_PORT: '9464' }).workerOpsPort).toBe(9464);
  });

  it('uses the documented defaults', () => {
    const config = loadServerConfig({});
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
  });
});

describe('guarded-fix configuration', () => {
  const read = 'read-token-0123456789abcdefghij';
  it('takes a separate fix token and the allow-lists', () => {
    const config = loadServerConfig({
      CLOUDFLARE_API_TOKEN: read,
      CLOUDFLARE_FIX_TOKEN: 'fix-token-0123456789abcdefghij',
      CHECK502_FIX_ALLOWED_USERS: 'U0ALICE, W0BOB',
      CHECK502_FIX_ALLOWED_ROLES: '123456789012345678',
    });
    expect(config.cloudflareFixToken).toBe('fix-token-0123456789abcdefghij');
    expect(config.fixAllowedUsers).toEqual(['U0ALICE', 'W0BOB']);
    expect(config.fixAllowedRoles).toEqual(['123456789012345678']);
    expect(loadServerConfig({}).fixAllowedUsers).toEqual([]);
  });

  it.each([
    [{ CLOUDFLARE_API_TOKEN: read, CLOUDFLARE_FIX_TOKEN: read }, 'CLOUDFLARE_FIX_TOKEN: a separate token'],
    [{ CLOUDFLARE_FIX_TOKEN: 'Bearer abcdefghijklmnopqrstuvwxyz' }, 'CLOUDFLARE_FIX_TOKEN: an API token'],
    [{ CHECK502_FIX_ALLOWED_USERS: 'alice' }, 'CHECK502_FIX_ALLOWED_USERS'],
    [{ CHECK502_FIX_ALLOWED_ROLES: 'admins' }, 'CHECK502_FIX_ALLOWED_ROLES'],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadServerConfig(env)).toThrow(message);
  });
});

describe('Redis Cluster and Sentinel configuration', () => {
  it('REDIS_CLUSTER_NODES: seed nodes, and the prefix gets a hash tag by default', () => {
    const config = loadServerConfig({
      REDIS_URL: 'redis://:pw@10.0.0.1:7000',
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2 ,[fd00::3]:7002',
    });
    expect(config.redisCluster).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 6379 },
      { host: 'fd00::3', port: 7002 },
    ]);
    expect(config.queuePrefix).toBe('{check502}');
    expect(
      loadServerConfig({ REDIS_CLUSTER_NODES: 'a:1', CHECK502_QUEUE_PREFIX: 'x{bot}' }).queuePrefix,
    ).toBe('x{bot}');
  });

  it('refuses a cluster prefix without a hash tag, bad seeds, and Cluster with Sentinel', () => {
    expect(() => loadServerConfig({ REDIS_CLUSTER_NODES: 'a:1', CHECK502_QUEUE_PREFIX: 'check502' })).toThrow(
      /CHECK502_QUEUE_PREFIX.*hash tag/,
    );
    expect(() => loadServerConfig({ REDIS_CLUSTER_NODES: 'a:99999' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadServerConfig({ REDIS_CLUSTER_NODES: 'redis://a:1' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadServerConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2' })).toThrow(
      /REDIS_SENTINELS/,
    );
  });

  it('REDIS_SENTINELS: the sentinels and the primary’s name (default mymaster)', () => {
    expect(loadServerConfig({ REDIS_SENTINELS: 's1,s2:26380' }).redisSentinel).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'mymaster',
    });
    expect(loadServerConfig({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'bots' }).redisSentinel?.name).toBe(
      'bots',
    );
    expect(loadServerConfig({}).redisCluster).toBeUndefined();
  });

  it('REDIS_WAIT_REPLICAS: replicas that confirm an accepted alert; not on a Cluster', () => {
    expect(loadServerConfig({ REDIS_SENTINELS: 's1', REDIS_WAIT_REPLICAS: '1' }).redisWaitReplicas).toBe(1);
    expect(loadServerConfig({ REDIS_WAIT_REPLICAS: '0' }).redisWaitReplicas).toBeUndefined();
    expect(() => loadServerConfig({ REDIS_WAIT_REPLICAS: 'two' })).toThrow(/REDIS_WAIT_REPLICAS/);
    expect(() => loadServerConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_WAIT_REPLICAS: '1' })).toThrow(
      /REDIS_WAIT_REPLICAS/,
    );
  });
});
