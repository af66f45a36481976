// Free-text scrubbing: error messages and URLs can echo a token (an SDK error quoting its request,
// a Slack response_url, a Discord interaction webhook). Known secret values are replaced wherever
// they appear, and token-shaped substrings are masked even when nobody told us the value.
export const REDACTED = '[redacted]';

/**
 * Shapes that are credentials whatever their value (kept narrow so ordinary text survives).
 * Each has exactly two groups, the kept text before and after the credential (possibly empty).
 */
const TOKEN_PATTERNS: readonly RegExp[] = [
  // Slack tokens: bot, user, app-level, refresh, config.
  /(\b)xox[abposre]-[A-Za-z0-9-]{8,}()/g,
  /(\b)xapp-[A-Za-z0-9-]{8,}()/g,
  // Slack incoming webhooks and slash-command response URLs carry the credential in the path.
  /(hooks\.slack\.com\/(?:services|commands|actions|workflows|triggers)\/)[^\s"'<>]+()/g,
  // Discord webhook and interaction URLs: /webhooks/<id>/<token>, /interactions/<id>/<token>.
  /(\/(?:webhooks|interactions)\/\d{5,25}\/)[A-Za-z0-9._-]{16,}()/g,
  // Authorization header values written out in text.
  /(\b(?:Bearer|Bot|Basic)\s+)[A-Za-z0-9._~+/=-]{12,}()/g,
  // Credentials in query strings or form bodies.
  /([?&;](?:token|access_token|api_key|apikey|key|secret|signature|sig|password)=)[^&\s"'#]+()/gi,
  // user:password@ in URLs.
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:)[^\s@/"']+(@)/gi,
];

/**
 * Replaces every configured secret value and every token-shaped substring in `text`.
 * Secrets shorter than 6 characters are ignored: masking "abc" everywhere would mangle logs
 * while protecting nothing.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = replaceSecretValues(text, secrets);
  for (const pattern of TOKEN_PATTERNS) {
    out = out.replace(pattern, (_match, head: string, tail: string) => head + REDACTED + tail);
  }
  return out;
}

/**
 * Replaces only the configured secret values (no shape matching), for text that may legitimately
 * hold token-shaped parts of its own, such as a Slack response_url a chat sink must still reach.
 */
export function replaceSecretValues(text: string, secrets: readonly string[]): string {
  return secretValuesReplacer(secrets)(text);
}

/**
 * `replaceSecretValues` with the forms of each secret worked out once, for text scrubbed on a hot
 * path (every HTTP answer): a value is looked for as written, as inside a JSON string (quotes and
 * backslashes escaped) and URL-encoded (a form body, a query string).
 */
export function secretValuesReplacer(secrets: readonly string[]): (text: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
    needles.add(encodeURIComponent(secret));
  }
  if (needles.size === 0) return (text) => text;
  const forms = [...needles];
  return (text) => {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  };
}
