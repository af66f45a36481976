// Turns a webhook request into the JSON value parsers read. Most senders POST JSON, but Uptime Kuma can
// send `multipart/form-data` (one `data` field holding the JSON) or a GET with `msg`, `monitor` and
// `heartbeat` query parameters, and UptimeRobot's URL-style webhooks put every variable in the query
// string. Query parameters fill in fields the body lacks; `token` (the secret) never reaches a parser.
import type { HttpRequest } from '../../http/route.js';
import { isObject, type JsonObject, parseJson } from './json-shape.js';

export type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

export function decodeBody(request: Pick<HttpRequest, 'body' | 'headers' | 'query'>): Decoded {
  const rawType = String(request.headers['content-type'] ?? '');
  const type = rawType.toLowerCase();
  const text = request.body.toString('utf8');
  const query = fields(request.query);
  if (!/\S/.test(text)) {
    if (Object.keys(query).length === 0) return { ok: false, reason: 'malformed JSON: the body is empty' };
    return { ok: true, value: query };
  }
  const first = text.trimStart()[0];
  if (type.includes('json') || first === '{' || first === '[') {
    const parsed = parseJson(text);
    if (!parsed.ok || !isObject(parsed.value) || Object.keys(query).length === 0) return parsed;
    return { ok: true, value: { ...query, ...parsed.value } };
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(rawType)?.[1];
    if (!boundary) return { ok: false, reason: 'multipart body without a boundary' };
    return { ok: true, value: unwrap({ ...query, ...multipartFields(text, boundary) }) };
  }
  if (type.startsWith('application/x-www-form-urlencoded') || /^[\w.%-]+=/.test(text)) {
    return { ok: true, value: unwrap({ ...query, ...fields(new URLSearchParams(text)) }) };
  }
  return { ok: false, reason: `unsupported content-type ${JSON.stringify(type || 'none')}: send JSON` };
}

function fields(params: URLSearchParams): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of params) if (key !== 'token') out[key] = jsonString(value);
  return out;
}

/** Form values that hold JSON (`monitor={"id":1}`) become objects. */
function jsonString(value: string): unknown {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}

/** A form whose only payload is one JSON field (`data`, `payload`, `json`) is that JSON. */
function unwrap(form: JsonObject): JsonObject {
  for (const key of ['data', 'payload', 'json']) {
    const inner = form[key];
    if (isObject(inner)) {
      const rest = { ...form };
      delete rest[key];
      return { ...rest, ...inner };
    }
  }
  return form;
}

function multipartFields(text: string, boundary: string): JsonObject {
  const out: JsonObject = {};
  for (const part of text.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const name = /name="([^"]*)"/.exec(part.slice(0, split))?.[1];
    if (name === undefined || name === 'token') continue;
    out[name] = jsonString(part.slice(split + 4).replace(/\r\n$/, ''));
  }
  return out;
}
