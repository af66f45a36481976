// One request through Cloudflare's edge, as a browser would make it (`Accept: text/html`), to see
// what visitors get: status, headers and the start of the body. The name is resolved through the
// public resolver and the guard judges the address; the connection is pinned to that very address
// (a custom lookup), so a DNS answer cannot change between the check and the connect. Redirects
// are recorded, not followed; the body is capped and the socket destroyed; the signal bounds it all.
import { rootCertificates } from 'node:tls';
import type { AddressPolicy, EdgeObservation, EdgeProber, EdgeResponse } from '../diagnosis/ports.js';
import { errorInfoOf } from './edge-errors.js';
import { pinnedLookup } from './edge-lookup.js';
import { type ResolveHost, resolveGuarded } from './guarded-connect.js';
import { Agent, requestVia } from './undici-core.js';

export interface EdgeProberDeps {
  resolve: ResolveHost;
  policy: AddressPolicy;
  /** Extra CA certificates (PEM) to trust besides Node's store (labs). */
  extraCa?: string[];
  /** Body bytes kept; the rest is not read. Default 64 KiB. */
  maxBodyBytes?: number;
  userAgent?: string;
}

const DEFAULT_MAX_BODY = 64 * 1024;
const USER_AGENT = 'check502/0.1 (+https://github.com/check502/check502; edge probe)';

export function createEdgeProber(deps: EdgeProberDeps): EdgeProber {
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const ca = deps.extraCa && deps.extraCa.length > 0 ? [...rootCertificates, ...deps.extraCa] : undefined;

  return {
    async probe(url, signal) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      let parsed: URL;
      try {
        parsed = new URL(url);
        if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
      } catch {
        return {
          url,
          error: { code: 'EINVALIDURL', message: `not an http(s) URL: ${url}` },
          totalMs: elapsed(),
        };
      }
      const host = parsed.hostname.replace(/^\[|\]$/g, '');

      const resolution = await resolveGuarded(host, deps.policy, deps.resolve, signal);
      if (!resolution.ok) {
        if (resolution.kind === 'guarded') {
          return {
            url,
            guarded: { address: resolution.ip, range: resolution.range },
            error: {
              code: 'EGUARDED',
              message: `${resolution.ip} is in a guarded range: ${resolution.reason}`,
            },
            totalMs: elapsed(),
          };
        }
        return { url, error: resolution.error, totalMs: elapsed() };
      }
      const address = resolution.ip;
      const observation: EdgeObservation = { url, address, totalMs: 0 };

      // A fresh agent per probe: no pooled socket outlives it, and destroy() ends it for sure.
      const agent = new Agent({
        connect: {
          lookup: pinnedLookup(address, deps.policy),
          ...(ca ? { ca } : {}),
        },
        pipelining: 0,
        maxHeaderSize: 32 * 1024,
      });
      const requestStarted = performance.now();
      try {
        const answer = await requestVia(agent, {
          origin: parsed.origin,
          path: `${parsed.pathname}${parsed.search}`,
          method: 'GET',
          signal,
          headers: {
            accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
            'accept-encoding': 'identity',
            'user-agent': deps.userAgent ?? USER_AGENT,
          },
        });
        const ttfbMs = Math.round(performance.now() - requestStarted);
        const response: EdgeResponse = {
          status: answer.statusCode,
          headers: flattenHeaders(answer.headers),
          body: '',
          bodyTruncated: false,
          ttfbMs,
        };
        observation.response = response;
        const read = await readCapped(answer.body, maxBody);
        response.body = read.text;
        response.bodyTruncated = read.truncated;
        if (read.error) observation.error = errorInfoOf(read.error, signal);
      } catch (error) {
        observation.error = errorInfoOf(error, signal);
      } finally {
        void agent.destroy().catch(() => {});
      }
      observation.totalMs = elapsed();
      return observation;
    },
  };
}

interface CappedBody {
  text: string;
  truncated: boolean;
  error?: unknown;
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  max: number,
): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of body) {
      const room = max - size;
      if (chunk.length >= room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        truncated = chunk.length > room;
        if (truncated) break;
      } else {
        chunks.push(chunk);
        size += chunk.length;
      }
    }
  } catch (error) {
    return { text: decode(chunks), truncated: true, error };
  } finally {
    body.destroy();
  }
  return { text: decode(chunks), truncated };
}

function decode(chunks: Buffer[]): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
