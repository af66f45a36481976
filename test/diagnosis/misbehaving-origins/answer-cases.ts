// Misbehaving-origin cases, part 3: what the origin answers: headers past Cloudflare's limits, no
// answer at all (524), its own 502 passed through, a Flexible redirect loop.

import { afterRequest, raw } from '../../fakes/tiny-origin.js';
import { HOST } from '../../support/cloudflare-scenarios.js';
import { type Case, headers, NGINX_502, plain, tlsWith } from './case.js';

export const ANSWER_CASES: Case[] = [
  {
    // connection-limits: response headers 32 KB in total, 16 KB per header; past them, 520.
    name: 'one response header over 16 KB (520)',
    mode: 'flexible',
    http: () => plain(headers({ 'Set-Cookie': `session=${'c'.repeat(17 * 1024)}` })),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.headers_too_large',
    leg: 'http',
  },
  {
    name: 'response headers over 32 KB in total (520)',
    mode: 'flexible',
    http: () =>
      plain(
        headers(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`X-Trace-${i}`, 't'.repeat(900)]))),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.headers_too_large',
    leg: 'http',
  },
  {
    name: '20 KB of headers, within the limits: served, no error',
    mode: 'flexible',
    http: () =>
      plain(
        headers(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-Trace-${i}`, 't'.repeat(1000)]))),
      ),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'http',
  },
  {
    name: 'accepts and never answers, the edge shows 524',
    mode: 'strict',
    https: () => tlsWith('valid', () => {}),
    edge: { kind: 'branded', code: 524 },
    cause: 'origin.response_timeout',
    leg: 'https',
    timeoutMs: 1500,
  },
  {
    name: 'its own 502 (the app behind nginx is down) passes through Cloudflare',
    mode: 'strict',
    https: () =>
      tlsWith('valid', (socket) =>
        afterRequest(socket, () =>
          socket.end(
            raw(
              '502 Bad Gateway',
              {
                Server: 'nginx/1.24.0',
                'Content-Type': 'text/html',
                'Content-Length': String(NGINX_502.length),
              },
              NGINX_502,
            ),
          ),
        ),
      ),
    edge: { kind: 'passthrough', status: 502, body: NGINX_502 },
    cause: 'origin.http_5xx',
    leg: 'https',
  },
  {
    name: 'redirect loop: Flexible and an origin that sends HTTP to HTTPS',
    mode: 'flexible',
    http: () =>
      plain((socket) =>
        afterRequest(socket, () =>
          socket.end(raw('301 Moved Permanently', { Location: `https://${HOST}/`, 'Content-Length': '0' })),
        ),
      ),
    https: () => tlsWith('valid'),
    edge: { kind: 'redirect', location: `https://${HOST}/`, status: 301 },
    cause: 'ssl.flexible_redirect_loop',
    leg: 'http',
  },
];
