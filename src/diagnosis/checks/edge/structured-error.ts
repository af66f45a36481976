// Cloudflare's structured error answers (2026): a client that asks for application/json,
// application/problem+json or text/markdown gets RFC 9457 Problem Details (JSON) or the same fields
// as YAML frontmatter (Markdown) instead of the HTML page, for 1xxx errors and for the 5xx it
// generates itself (500, 502, 504, 520–526). Fields read: `error_code`, `error_name`/`title`,
// `error_category` (origin | ssl | cloudflare | …), `ray_id`/`instance`, `status`, and `type` (a URL
// under developers.cloudflare.com). Sources: developers.cloudflare.com changelog 2026-03-11 (1xxx
// JSON), "Structured error responses for Cloudflare 5xx errors", blog rfc-9457-agent-error-pages.
// Pure; an application's own JSON with an `error_code` is not taken for Cloudflare's.
import type { EdgeFacts } from '../../facts.js';

export interface StructuredError {
  code: number;
  name?: string;
  rayId?: string;
  blames?: NonNullable<EdgeFacts['blames']>;
}

const MAX_PARSED = 16 * 1024;

/** Reads a Problem Details JSON or Markdown-frontmatter body, when it is Cloudflare's. */
export function structuredError(
  body: string,
  viaCloudflare: boolean,
  status: number,
): StructuredError | undefined {
  const text = body.trimStart();
  if (text.length > MAX_PARSED) return undefined;
  const fields = text.startsWith('{')
    ? jsonFields(text)
    : text.startsWith('---')
      ? frontmatter(text)
      : undefined;
  if (!fields) return undefined;
  const code = integer(fields['error_code']);
  if (code === undefined || !isCloudflareCode(code)) return undefined;
  // Cloudflare's signature: its documentation URL as the problem type, or its Ray ID through its edge.
  const type = typeof fields['type'] === 'string' ? fields['type'] : '';
  const ray = stringOf(fields['ray_id']) ?? stringOf(fields['instance']);
  const documented = /^https:\/\/developers\.cloudflare\.com\//i.test(type);
  if (!documented && !(viaCloudflare && ray && /^[0-9a-f]{8,32}$/i.test(ray))) return undefined;
  // The body's status, when given, is the response's own (RFC 9457 §3.1.2).
  const own = integer(fields['status']);
  if (own !== undefined && own !== status) return undefined;
  const out: StructuredError = { code };
  const name = stringOf(fields['error_name']) ?? stringOf(fields['title']);
  if (name) out.name = name.slice(0, 120);
  if (ray && /^[0-9a-f]{8,32}$/i.test(ray)) out.rayId = ray.toLowerCase();
  const blames = CATEGORY_LEG[String(fields['error_category'] ?? '').toLowerCase()];
  if (blames) out.blames = blames;
  return out;
}

/** 5xx and 1xxx: the codes Cloudflare's own errors use. */
export function isCloudflareCode(code: number): boolean {
  return (code >= 500 && code <= 599) || (code >= 1000 && code <= 1999);
}

/** `origin` (502, 504, 520–524) and `ssl` (525, 526: the origin's TLS) blame the host leg. */
const CATEGORY_LEG: Record<string, NonNullable<EdgeFacts['blames']>> = {
  origin: 'origin',
  ssl: 'origin',
  cloudflare: 'cloudflare',
};

function jsonFields(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `---` / `key: value` lines / `---`: flat scalars only, which is all the error contract uses. */
function frontmatter(text: string): Record<string, unknown> | undefined {
  const lines = text.split(/\r?\n/, 64);
  if (lines[0]?.trim() !== '---') return undefined;
  const out: Record<string, unknown> = {};
  for (const line of lines.slice(1)) {
    if (line.trim() === '---') return out;
    const match = /^([a-z_][a-z0-9_]*)\s*:\s*(.*)$/i.exec(line);
    if (match?.[1]) out[match[1].toLowerCase()] = match[2]?.trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return undefined;
}

function integer(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,5}$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
