import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.js';
import { secretValues } from '../../src/secrets/secret-values.js';

describe('secretValues', () => {
  it('collects every configured secret, the Redis password from REDIS_URL included', () => {
    const config = loadServerConfig({
      CLOUDFLARE_API_TOKEN: 'cf-read-token-0123456789',
      CLOUDFLARE_FIX_TOKEN: 'cf-fix-token-0123456789',
      REDIS_URL: 'redis://default:p%40ss-w0rd-long@127.0.0.1:6379',
      SLACK_SIGNING_SECRET: 'slack-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-bot-token-0123',
      CHECK502_WEBHOOK_SECRET: 'webhook-secret-0123456789',
    });
    expect(secretValues(config).sort()).toEqual(
      [
        'cf-read-token-0123456789',
        'cf-fix-token-0123456789',
        'p@ss-w0rd-long',
        'slack-signing-secret',
        'xoxb-bot-token-0123',
        'webhook-secret-0123456789',
      ].sort(),
    );
  });

  it('is empty when nothing secret is configured', () => {
    expect(secretValues(loadServerConfig({}))).toEqual([]);
  });
});
