// Reads what the edge answered — status, headers, body — and says who produced it: Cloudflare's
// own error page (branded, plain `error code: NNN`, or the minimal nginx-style 502/504) or a page
// passed through from the origin, plus the Ray ID, colo, error code and the leg the page blames.
// Pure. Pages vary (attribute order, quoting, whitespace, case, custom error rules), so it looks for
// markers tolerantly and never for exact strings; no marker at all is only weak evidence.
import type { EdgeFacts } from '../../facts.js';
import type { EdgeResponse } from '../../ports.js';
import { isCloudflareCode, structuredError } from './structured-error.js';

export type EdgePage = Omit<EdgeFacts, 'observation'> & {
  /** Cloudflare's short reason from the page title ("Web server is down"), when it has one. */
  reason?: string;
  /**
   * Which form of Cloudflare answer it was (`empty`: a 5xx with no body, sent to non-browser
   * clients; `structured`: RFC 9457 JSON or Markdown frontmatter, sent to clients that ask for them).
   */
  form?: 'branded' | 'plain' | 'minimal' | 'empty' | 'structured';
};

const STATUS_BLOCKS = {
  'cf-browser-status': 'browser',
  'cf-cloudflare-status': 'cloudflare',
  'cf-host-status': 'origin',
} as const satisfies Record<string, NonNullable<EdgeFacts['blames']>>;
type BlockId = keyof typeof STATUS_BLOCKS;

export function classifyEdgePage(response: EdgeResponse): EdgePage {
  const headers = lowerKeys(response.headers);
  // A page embedded in a JSON string (`class=\"cf-error-source\"`) reads like the page itself.
  const body = response.body.includes('\\"')
    ? response.body.replace(/\\"/g, '"').replace(/\\n/g, '\n')
    : response.body;
  const ray = parseRay(headers['cf-ray']) ?? parseRay(rayFromBody(body));
  const viaCloudflare = /cloudflare/i.test(headers['server'] ?? '') || headers['cf-ray'] !== undefined;

  const page: EdgePage = { status: response.status, viaCloudflare, generatedBy: 'unknown' };
  if (ray?.rayId) page.rayId = ray.rayId;
  if (ray?.colo) page.colo = ray.colo;
  const cache = headers['cf-cache-status']?.trim().toUpperCase();
  if (cache) page.cacheStatus = cache;
  const age = Number(headers['age']);
  if (headers['age'] !== undefined && Number.isFinite(age) && age >= 0) page.ageSeconds = Math.floor(age);

  // Cloudflare answers a client that does not look like a browser with an empty 5xx (a 530 for a
  // tunnel or 1xxx error, a 52x): through Cloudflare, no body at all is Cloudflare's own answer.
  if (response.status >= 500 && viaCloudflare && body.trim() === '' && !response.bodyTruncated) {
    page.generatedBy = 'cloudflare';
    page.form = 'empty';
    page.cloudflareErrorCode = response.status;
    return page;
  }

  const plain = /^\s*error\s+code\s*:?\s*(\d{3,4})\s*$/i.exec(body.slice(0, 200));
  if (plain?.[1] && body.length <= 200 && isCloudflareCode(Number(plain[1]))) {
    page.generatedBy = 'cloudflare';
    page.form = 'plain';
    page.cloudflareErrorCode = Number(plain[1]);
    return page;
  }

  const structured = structuredError(body, viaCloudflare, response.status);
  if (structured) {
    page.generatedBy = 'cloudflare';
    page.form = 'structured';
    page.cloudflareErrorCode = structured.code;
    if (structured.name) page.reason = structured.name;
    if (structured.blames) page.blames = structured.blames;
    if (!page.rayId && structured.rayId) page.rayId = structured.rayId;
    return page;
  }

  const tags = scanTags(body);
  const title = titleOf(body);
  // Cloudflare sends its error pages with an error status; the same markup under 2xx/3xx is a copy
  // the origin serves (a maintenance page, a mimic), never an error the edge generated.
  const errorStatus = response.status >= 400;
  if (errorStatus && (isBranded(body, tags) || (viaCloudflare && isCloudflareTitle(title)))) {
    page.generatedBy = 'cloudflare';
    page.form = 'branded';
    const code = codeFromBody(body, tags, title);
    if (code !== undefined) page.cloudflareErrorCode = code;
    else if (response.status >= 500) page.cloudflareErrorCode = response.status;
    const reason = reasonFromTitle(title);
    if (reason) page.reason = reason;
    const blames = blamedLeg(body, tags);
    if (blames) page.blames = blames;
    return page;
  }

  if (isMinimalCloudflarePage(body)) {
    page.generatedBy = 'cloudflare';
    page.form = 'minimal';
    if (response.status >= 500) page.cloudflareErrorCode = response.status;
    return page;
  }

  // No Cloudflare marker: through Cloudflare this is the origin's own answer relayed; without
  // Cloudflare's headers we cannot say who answered (another proxy, the origin, a captive portal).
  page.generatedBy = viaCloudflare ? 'origin' : 'unknown';
  return page;
}

/** Plain-words meaning of a Cloudflare error code, for titles ("could not connect to the origin"). */
export function cloudflareErrorMeaning(code: number): string | undefined {
  return MEANINGS[code];
}

const MEANINGS: Record<number, string> = {
  500: 'the origin (or, rarely, Cloudflare) had an internal error',
  502: 'Cloudflare got no usable answer from the origin (bad gateway)',
  503: 'the service is unavailable (origin overloaded or rate limiting)',
  504: 'the origin did not answer Cloudflare in time (gateway timeout)',
  520: 'the origin returned an empty, unknown or unexpected response',
  521: 'Cloudflare could not connect to the origin: the connection was refused',
  522: 'Cloudflare timed out connecting to the origin',
  523: 'Cloudflare could not reach the origin (no route to it)',
  524: 'the origin accepted the connection but did not answer in time',
  525: 'the TLS handshake between Cloudflare and the origin failed',
  526: "the origin's certificate is invalid for Full (strict)",
  527: 'Railgun listener error (legacy product)',
  530: 'Cloudflare could not reach the origin (see the 1xxx code)',
  1016: "Cloudflare could not resolve the origin's DNS name",
  1033: 'the Cloudflare Tunnel has no healthy cloudflared connector',
  1101: 'the Worker serving this host threw an exception',
  1102: 'the Worker serving this host exceeded its CPU or memory limit',
  1104: 'the Worker script of the route was not found',
  1105: 'the Worker is temporarily unavailable',
};

// ---- markers ------------------------------------------------------------------------------------

const BRANDED_IDS = new Set(['cf-wrapper', 'cf-error-details', ...Object.keys(STATUS_BLOCKS)]);
const BRANDED_CLASSES = ['cf-error-code', 'cf-error-source', 'cf-error-type', 'cf-error-overview'];

function isBranded(body: string, tags: readonly Tag[]): boolean {
  return (
    tags.some((t) => BRANDED_IDS.has(t.id) || BRANDED_CLASSES.some((c) => t.classes.includes(c))) ||
    /cf\.errors\.css|5xx-error-landing|errorcode_\d{3}/i.test(body) ||
    /cloudflare\s+ray\s+id/i.test(stripTags(body))
  );
}

/** Cloudflare titles its error pages `host | 521: Reason`, an unusual shape for an app's own page. */
function isCloudflareTitle(title: string | undefined): boolean {
  return title !== undefined && /\|\s*(?:52\d|530|1\d{3})\s*:\s*\S/.test(title);
}

function isMinimalCloudflarePage(body: string): boolean {
  const head = body.slice(0, 4096);
  return (
    /<center>\s*cloudflare(?:-nginx)?\s*<\/center>/i.test(head) || /^\s*cloudflare-nginx\s*$/im.test(head)
  );
}

function codeFromBody(body: string, tags: readonly Tag[], title: string | undefined): number | undefined {
  for (const tag of tags) {
    if (!tag.classes.includes('cf-error-code')) continue;
    const text = /^\s*(?:error\s*)?(\d{3,4})\s*</i.exec(body.slice(tag.end, tag.end + 64));
    if (text?.[1]) return Number(text[1]);
  }
  // The current 1xxx layout: no cf-error-code class; its feedback script carries `errorCode: 1016`
  // and the heading reads `<span data-translate="error">Error</span> <span>1016</span>`.
  const scripted = /\berrorCode\s*:\s*["']?(\d{3,4})\b/.exec(body);
  if (scripted?.[1]) return Number(scripted[1]);
  const heading = /<h1\b[^<>]*>([\s\S]{0,600}?)<\/h1\s*>/i.exec(body);
  const labelled = heading?.[1] ? /^\s*error\s+(\d{3,4})\s*$/i.exec(stripTags(heading[1])) : null;
  if (labelled?.[1]) return Number(labelled[1]);
  if (title) {
    const fromTitle =
      /(?:^|[|:\s])(\d{3,4})\s*:/.exec(title) ?? /\berror\s*(?:code\s*)?:?\s*(\d{3,4})\b/i.exec(title);
    if (fromTitle?.[1]) return Number(fromTitle[1]);
  }
  const text = /\berror\s+code:?\s*(\d{3,4})\b/i.exec(stripTags(body));
  return text?.[1] ? Number(text[1]) : undefined;
}

function reasonFromTitle(title: string | undefined): string | undefined {
  if (!title) return undefined;
  const match = /\b\d{3,4}\s*:\s*([^|]+)/.exec(title);
  // 1xxx pages title themselves `Origin DNS error | host | Cloudflare`.
  const reason = match?.[1]?.trim() ?? /^([^|]+)\|[^|]*\|\s*cloudflare\s*$/i.exec(title)?.[1]?.trim();
  return reason ? reason.slice(0, 120) : undefined;
}

/** The status block marked `cf-error-source`, else the one whose status reads "Error". */
function blamedLeg(body: string, tags: readonly Tag[]): EdgeFacts['blames'] {
  const blocks = tags.filter((t) => t.id in STATUS_BLOCKS);
  const source = blocks.find((b) => b.classes.includes('cf-error-source'));
  if (source) return STATUS_BLOCKS[source.id as BlockId];
  for (const [i, block] of blocks.entries()) {
    const section = body.slice(
      block.start,
      Math.min(blocks[i + 1]?.start ?? body.length, block.start + 4096),
    );
    if (/text-red-error|cf-icon-error|#bd2426|>\s*error\s*</i.test(section))
      return STATUS_BLOCKS[block.id as BlockId];
  }
  return undefined;
}

interface Tag {
  start: number;
  end: number;
  /** Lower-case id, '' when none. */
  id: string;
  /** Lower-case class tokens. */
  classes: string[];
}

/** Opening tags with their id and classes; `[^<>]` keeps the scan linear on hostile input. */
function scanTags(body: string): Tag[] {
  const tags: Tag[] = [];
  for (const match of body.matchAll(/<[a-z][a-z0-9]*\b[^<>]*>/gi)) {
    const attrs = attributes(match[0]);
    const id = attrs['id']?.trim().toLowerCase() ?? '';
    const classes = (attrs['class'] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    if (id === '' && classes.length === 0) continue;
    tags.push({ start: match.index, end: match.index + match[0].length, id, classes });
  }
  return tags;
}

// ---- small parsers ------------------------------------------------------------------------------

function parseRay(value: string | undefined): { rayId?: string; colo?: string } | undefined {
  if (!value) return undefined;
  const match = /^\s*([0-9a-f]{8,32})(?:-([a-z]{3,4}))?\s*$/i.exec(value);
  if (!match?.[1]) return undefined;
  const ray: { rayId?: string; colo?: string } = { rayId: match[1].toLowerCase() };
  if (match[2]) ray.colo = match[2].toUpperCase();
  return ray;
}

function rayFromBody(body: string): string | undefined {
  const text = stripTags(body);
  return /ray\s+id\s*:?\s*([0-9a-f]{8,32}(?:-[a-z]{3,4})?)\b/i.exec(text)?.[1];
}

function titleOf(body: string): string | undefined {
  const match = /<title\b[^>]*>([^<]*)<\/title\s*>/i.exec(body);
  return match?.[1] ? decodeEntities(match[1]).replace(/\s+/g, ' ').trim() : undefined;
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  // The value is optional so every match consumes its whole name: linear even on `<div aaaa…>`.
  for (const m of tag.matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = m[1]?.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4];
    if (name && value !== undefined && !(name in out)) out[name] = value;
  }
  return out;
}

function stripTags(html: string): string {
  // `[^<>]` keeps it linear on hostile input such as 64 KiB of `<`.
  return decodeEntities(html.replace(/<[^<>]*>/g, ' ').replace(/\s+/g, ' '));
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d{1,6});/g, (_, n: string) => String.fromCodePoint(Math.min(Number(n), 0x10ffff)))
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, n: string) =>
      String.fromCodePoint(Math.min(Number.parseInt(n, 16), 0x10ffff)),
    )
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e] ?? '');
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  apos: "'",
  nbsp: ' ',
};

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
