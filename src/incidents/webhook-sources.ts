// Every alert sender check502 has a route for: `POST /webhooks/<source>` (and GET where the sender can
// only send GET), its parser, and its own signature when it signs and a secret for it is configured.
import type { AlertSource, ParsedPayload } from './alert.js';
import { parseAlertmanager } from './parsers/parse-alertmanager.js';
import { parseBetterStack } from './parsers/parse-betterstack.js';
import { parseCheckly } from './parsers/parse-checkly.js';
import { parseCloudflare } from './parsers/parse-cloudflare.js';
import { parseDatadog } from './parsers/parse-datadog.js';
import { parseGeneric } from './parsers/parse-generic.js';
import { parseGrafana } from './parsers/parse-grafana.js';
import { parsePagerDuty } from './parsers/parse-pagerduty.js';
import { parsePingdom } from './parsers/parse-pingdom.js';
import { parseUptimeKuma } from './parsers/parse-uptime-kuma.js';
import { parseUptimeRobot } from './parsers/parse-uptimerobot.js';
import { checklySignature, pagerDutySignature, type SenderSignature } from './sender-signature.js';

/** Secrets of senders that sign their deliveries (CHECK502_PAGERDUTY_WEBHOOK_SECRET, …). */
export interface SenderSecrets {
  pagerduty?: string;
  checkly?: string;
}

export interface WebhookSource {
  source: AlertSource;
  parse(payload: unknown): ParsedPayload;
  /** Uptime Kuma and UptimeRobot can be set to send GET with query parameters. */
  methods: ReadonlyArray<'POST' | 'GET'>;
  signature?: SenderSignature;
}

const POST = ['POST'] as const;
const POST_GET = ['POST', 'GET'] as const;

export function webhookSources(secrets: SenderSecrets = {}): WebhookSource[] {
  const sources: WebhookSource[] = [
    { source: 'cloudflare', parse: parseCloudflare, methods: POST },
    { source: 'alertmanager', parse: parseAlertmanager, methods: POST },
    { source: 'grafana', parse: parseGrafana, methods: POST },
    { source: 'generic', parse: parseGeneric, methods: POST },
    { source: 'uptime-kuma', parse: parseUptimeKuma, methods: POST_GET },
    { source: 'uptimerobot', parse: parseUptimeRobot, methods: POST_GET },
    { source: 'betterstack', parse: parseBetterStack, methods: POST },
    { source: 'datadog', parse: parseDatadog, methods: POST },
    { source: 'pagerduty', parse: parsePagerDuty, methods: POST },
    { source: 'checkly', parse: parseCheckly, methods: POST },
    { source: 'pingdom', parse: parsePingdom, methods: POST },
  ];
  for (const entry of sources) {
    if (entry.source === 'pagerduty' && secrets.pagerduty)
      entry.signature = pagerDutySignature(secrets.pagerduty);
    if (entry.source === 'checkly' && secrets.checkly) entry.signature = checklySignature(secrets.checkly);
  }
  return sources;
}
