import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { configSecrets, createLogger } from '../../src/log/logger.js';

function buffer() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return {
    destination: stream,
    text: () => lines.join('\n'),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const BOT_TOKEN = 'xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrStUvWx';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const CF_TOKEN = 'cf_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA';
const WEBHOOK_SECRET = 'hook-secret-value-0123456789';
const DISCORD_TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.mnopqrstuvwxyzABCDEFGHIJKLmnop';
const SECRETS = [BOT_TOKEN, SIGNING_SECRET, CF_TOKEN, WEBHOOK_SECRET, DISCORD_TOKEN];

function logger() {
  const out = buffer();
  const log = createLogger({ level: 'debug', name: 'test', destination: out.destination, secrets: SECRETS });
  return { log, out };
}

function expectNoSecrets(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  // Parts of tokens must not leak either (e.g. only the prefix masked).
  expect(text).not.toContain('AbCdEfGhIjKl');
  expect(text).not.toContain('GhIjKl.mnop');
}

describe('createLogger', () => {
  it('writes one JSON object per line with level names and the logger name', () => {
    const { log, out } = logger();
    log.info({ site: 'shop.example.com' }, 'queued');
    const [record] = out.records();
    expect(record).toMatchObject({ level: 'info', name: 'test', site: 'shop.example.com', msg: 'queued' });
    expect(typeof record?.['time']).toBe('string');
  });

  it('masks credentials under sensitive keys at any depth', () => {
    const { log, out } = logger();
    log.info(
      {
        req: {
          headers: {
            authorization: `Bearer ${CF_TOKEN}`,
            cookie: 'session=abc',
            'x-slack-signature': 'v0=deadbeef',
            'cf-webhook-auth': WEBHOOK_SECRET,
          },
        },
        config: { slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }, discord: { token: 'x' } },
        payload: { interaction: { token: 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDoxMjM0', id: '1' } },
        deep: { a: { b: { c: { d: { apiToken: 'very-deep-token-value' } } } } },
        list: [{ response_url: 'https://hooks.slack.com/commands/T1/2/abc' }],
      },
      'incoming',
    );
    const text = out.text();
    expectNoSecrets(text);
    expect(text).not.toContain('session=abc');
    expect(text).not.toContain('deadbeef');
    expect(text).not.toContain('aW50ZXJhY3Rpb246');
    expect(text).not.toContain('very-deep-token-value');
    expect(text).not.toContain('hooks.slack.com/commands/T1');
    const [record] = out.records();
    expect(record).toMatchObject({ payload: { interaction: { id: '1', token: '[redacted]' } } });
  });

  it('scrubs configured secret values from messages, errors and stacks', () => {
    const { log, out } = logger();
    const error = new Error(`request failed: Authorization: Bot ${DISCORD_TOKEN} rejected`);
    Object.assign(error, { code: 'E_AUTH', request: { url: `https://api.example/?token=${CF_TOKEN}` } });
    log.error({ err: error }, `could not post with ${BOT_TOKEN}`);
    log.error(error);
    log.warn('signing secret %s is wrong', SIGNING_SECRET);
    log.info(`webhook secret was ${WEBHOOK_SECRET}`);
    const text = out.text();
    expectNoSecrets(text);
    const [first] = out.records();
    expect(first).toMatchObject({ err: { type: 'Error', code: 'E_AUTH' } });
    const err = (first?.['err'] ?? {}) as Record<string, unknown>;
    expect(String(err['stack'])).toContain('request failed');
  });

  it('masks token-shaped text it was not told about (webhook URLs, Slack tokens)', () => {
    const out = buffer();
    const log = createLogger({ level: 'info', destination: out.destination });
    log.info(
      {
        url: 'https://discord.com/api/v10/webhooks/123456789012345678/aW50ZXJhY3Rpb25fdG9rZW5fc2VjcmV0/messages/@original',
      },
      'patched https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX and xoxp-123456789-abcdefghijk',
    );
    const text = out.text();
    expect(text).not.toContain('aW50ZXJhY3Rpb25fdG9rZW5fc2VjcmV0');
    expect(text).not.toContain('XXXXXXXXXXXXXXXX');
    expect(text).not.toContain('abcdefghijk');
    expect(text).toContain('/webhooks/123456789012345678/[redacted]');
  });

  it('masks secrets in child bindings and survives cycles and huge objects', () => {
    const { log, out } = logger();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const child = log.child({ token: BOT_TOKEN, component: 'slack' });
    child.info({ cyclic, big: Array.from({ length: 5000 }, (_, i) => i) }, 'ok');
    expectNoSecrets(out.text());
    const [record] = out.records();
    expect(record).toMatchObject({ component: 'slack', cyclic: { name: 'loop', self: '[circular]' } });
  });

  it('collects the secret values of a server configuration', () => {
    expect(
      configSecrets({
        cloudflareApiToken: CF_TOKEN,
        slack: { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN },
        discord: { botToken: DISCORD_TOKEN },
        webhookSecret: WEBHOOK_SECRET,
      }).sort(),
    ).toEqual([...SECRETS].sort());
  });
});
