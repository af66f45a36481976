// Turns what a user typed (a hostname or any URL form) into the site to diagnose, or a clear reason why not.
// Pure: chat adapters and the CLI share it, so `/check502 ;rm -rf` is refused the same way everywhere.

export interface Target {
  /** Lower-case ASCII hostname (IDNs in punycode), no trailing dot. */
  host: string;
  /** Explicit port from the URL, when one was given. */
  port?: number;
  scheme: 'https' | 'http';
  /** Path and query to request, starting with `/`. */
  path: string;
  /** Normalised URL the edge is probed at. */
  url: string;
}

export type ParseResult = { ok: true; target: Target } | { ok: false; reason: string };

const MAX_INPUT = 2048;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseSite(raw: string): ParseResult {
  const input = stripChatMarkup(raw.trim());
  if (input === '') return { ok: false, reason: 'no site given: pass a hostname such as shop.example.com' };
  if (input.length > MAX_INPUT)
    return { ok: false, reason: `input is too long (${input.length} characters)` };
  if (/\s/.test(input)) return { ok: false, reason: 'give one site: a hostname or URL without spaces' };

  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
  let url: URL;
  try {
    url = new URL(hasScheme ? input : `https://${input}`);
  } catch {
    return { ok: false, reason: `"${clip(input)}" is not a hostname or URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `unsupported scheme "${url.protocol.replace(':', '')}": use http or https` };
  }
  if (url.username || url.password) return { ok: false, reason: 'URLs with credentials are not accepted' };

  const host = url.hostname.replace(/\.$/, '');
  const hostProblem = checkHostname(host, input);
  if (hostProblem) return { ok: false, reason: hostProblem };

  const scheme = url.protocol === 'http:' ? 'http' : 'https';
  const target: Target = { host, scheme, path: `${url.pathname}${url.search}`, url: '' };
  // WHATWG URL drops a default port (`https://x:443/` has port ''), but a port the user typed is a
  // statement about where to connect: keep it so the origin probe uses exactly that port.
  const typedPort = url.port !== '' ? Number(url.port) : explicitPort(input);
  if (typedPort !== undefined) target.port = typedPort;
  target.url = `${scheme}://${host}${url.port ? `:${url.port}` : ''}${target.path}`;
  return { ok: true, target };
}

/** The digits after the host in what the user typed, if any (`host:443`, `https://host:80/x`). */
function explicitPort(input: string): number | undefined {
  const authority = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/?#]*)/i.exec(input)?.[1] ?? '';
  const digits = /:(\d{1,5})$/.exec(authority)?.[1];
  const port = digits === undefined ? undefined : Number(digits);
  return port !== undefined && port >= 1 && port <= 65535 ? port : undefined;
}

function checkHostname(host: string, input: string): string | undefined {
  if (host === '') return `"${clip(input)}" has no hostname`;
  // WHATWG URL turns numeric forms (2130706433, 0x7f.1) into dotted IPv4; a site behind Cloudflare is a name.
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[')) {
    return `"${clip(input)}" is an IP address: give the site's hostname (use --origin for the origin address)`;
  }
  if (host.length > 253) return `hostname is longer than 253 characters`;
  const labels = host.split('.');
  if (labels.length < 2) return `"${clip(host)}" is not a fully qualified hostname (e.g. shop.example.com)`;
  for (const label of labels) {
    if (label.length > 63) return `a hostname label is longer than 63 characters`;
    if (!LABEL.test(label)) return `"${clip(host)}" is not a valid hostname`;
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return `"${clip(host)}" is not a valid hostname`;
  return undefined;
}

/** Slack may wrap links as `<https://x|x>` and Discord users paste `<https://x>`. */
function stripChatMarkup(text: string): string {
  const wrapped = /^<([^<>|]+)(?:\|[^<>]*)?>$/.exec(text);
  return wrapped?.[1] ?? text;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
