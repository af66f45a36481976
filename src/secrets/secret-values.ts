// Every secret the configuration holds, as values to scrub from what the bot sends anywhere: the
// Cloudflare tokens, the chat credentials, the webhook secret and the Redis password(s). Takes any
// configuration shape (the CLI's, serve's) and reads what is there.
export interface SecretBearingConfig {
  cloudflareApiToken?: string;
  cloudflareFixToken?: string;
  slack?: { signingSecret: string; botToken: string; appToken?: string };
  discord?: { botToken: string };
  webhookSecret?: string;
  /** Signing secrets of senders that sign their webhooks (PagerDuty, Checkly). */
  senderSecrets?: { pagerduty?: string; checkly?: string };
  redisUrl?: string;
  /** Redis Cluster / Sentinel seed URLs, when configured. */
  redisUrls?: readonly string[];
  redisPassword?: string;
}

export function secretValues(config: SecretBearingConfig): string[] {
  const values = [
    config.cloudflareApiToken,
    config.cloudflareFixToken,
    config.slack?.signingSecret,
    config.slack?.botToken,
    config.slack?.appToken,
    config.discord?.botToken,
    config.webhookSecret,
    config.senderSecrets?.pagerduty,
    config.senderSecrets?.checkly,
    config.redisPassword,
    ...[config.redisUrl, ...(config.redisUrls ?? [])].map(passwordOf),
  ];
  // Longest first, so a secret that contains another is replaced whole.
  return [...new Set(values.filter((s): s is string => typeof s === 'string' && s !== ''))].sort(
    (a, b) => b.length - a.length,
  );
}

function passwordOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
