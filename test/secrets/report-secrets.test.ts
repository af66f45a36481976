// No secret leaves a diagnosis: a Cloudflare API (or a proxy at CLOUDFLARE_BASE_URL) that echoes
// the token in every error shape must not get it into the JSON report, the human output or the
// findings streamed to chat as checks end. Run in-process through `check502 diagnose` itself.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiagnose } from '../../src/cli/diagnose.js';
import { createDiagnoser } from '../../src/diagnoser.js';
import type { CloudflareReader } from '../../src/diagnosis/cloudflare-reader.js';
import { parseSite } from '../../src/diagnosis/target.js';
import { type DnsServer, startDnsServer } from '../fakes/dns-server.js';
import {
  ECHO_SHAPES,
  type EchoingCloudflareApi,
  startEchoingCloudflareApi,
} from '../fakes/echoing-cloudflare-api.js';

const SITE = 'shop.lab.test';
/** Shaped like a real API token: 40 characters of [A-Za-z0-9_-]. */
const TOKEN = randomBytes(30).toString('base64url');

let api: EchoingCloudflareApi;
let dns: DnsServer;

beforeAll(async () => {
  [api, dns] = await Promise.all([
    startEchoingCloudflareApi(),
    startDnsServer({ [SITE]: { A: ['127.0.0.1'] } }),
  ]);
});
afterAll(async () => {
  await Promise.all([api?.close(), dns?.close()]);
});

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

const env = () => ({
  CLOUDFLARE_API_TOKEN: TOKEN,
  CLOUDFLARE_BASE_URL: api.url,
  CHECK502_DNS_SERVERS: `127.0.0.1:${dns.port}`,
  CHECK502_ALLOW_PRIVATE_NETS: '127.0.0.0/8',
  NO_COLOR: '1',
});

describe('a Cloudflare API that echoes the token', () => {
  it.each(ECHO_SHAPES)('keeps it out of --json and the human output (%s)', async (shape) => {
    api.shape = shape;
    const before = api.echoed;
    const json = sink();
    const human = sink();
    const errors = sink();
    await runDiagnose([SITE, '--json', '--timeout', '2'], env(), json, errors);
    await runDiagnose([SITE, '--timeout', '2'], env(), human, errors);
    expect(api.echoed).toBeGreaterThan(before); // the fake really quoted it back
    const report = JSON.parse(json.text()) as { findings: { code: string }[] };
    expect(report.findings.some((f) => f.code.startsWith('cloudflare.'))).toBe(true);
    for (const output of [json.text(), human.text(), errors.text()]) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(TOKEN.slice(0, 20));
    }
  });
});

describe('every configured secret', () => {
  const secrets = {
    cloudflareApiToken: TOKEN,
    cloudflareFixToken: randomBytes(30).toString('base64url'),
    slackSigningSecret: randomBytes(16).toString('hex'),
    slackBotToken: `xoxb-${randomBytes(12).toString('hex')}`,
    discordBotToken: randomBytes(30).toString('base64url'),
    webhookSecret: randomBytes(16).toString('hex'),
    redisPassword: randomBytes(12).toString('hex'),
  };
  const all = Object.values(secrets);

  it('is scrubbed from the report and the streamed findings, whatever quoted it', async () => {
    // A reader whose every call fails with an error quoting all the secrets (a proxy, a log line).
    const quoting = new Proxy({} as CloudflareReader, {
      get: (_target, key) =>
        key === 'callCount'
          ? 0
          : async () => {
              throw new Error(`upstream said: ${all.join(' / ')}`);
            },
    });
    const config = {
      cloudflareApiToken: secrets.cloudflareApiToken,
      cloudflareFixToken: secrets.cloudflareFixToken,
      dnsServers: [{ host: '127.0.0.1', port: dns.port }],
      allowPrivateNets: ['127.0.0.0/8'],
      redisUrl: `redis://default:${secrets.redisPassword}@127.0.0.1:6379`,
      slack: { signingSecret: secrets.slackSigningSecret, botToken: secrets.slackBotToken },
      discord: { applicationId: '123456', publicKey: 'ab'.repeat(32), botToken: secrets.discordBotToken },
      webhookSecret: secrets.webhookSecret,
    };
    const diagnoser = createDiagnoser(config, { ports: { cloudflare: quoting } });
    const streamed: unknown[] = [];
    const target = parseSite(SITE);
    if (!target.ok) throw new Error(target.reason);
    const report = await diagnoser.run(
      target.target,
      { timeoutMs: 2000 },
      { onCheck: (summary, findings) => streamed.push({ summary, findings }) },
    );
    const text = JSON.stringify({ report, streamed });
    expect(text).toContain('upstream said'); // the error did reach the report
    for (const secret of all) expect(text).not.toContain(secret);
  });
});
