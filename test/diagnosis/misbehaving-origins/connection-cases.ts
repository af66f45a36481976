// Misbehaving-origin cases, part 1: healthy origins over HTTP and HTTPS, and origins that break the
// connection or the HTTP framing (reset after the headers, closed mid-body, a malformed status line,
// bytes that are not HTTP).

import { afterRequest, raw } from '../../fakes/tiny-origin.js';
import { type Case, plain, tlsWith } from './case.js';

export const CONNECTION_CASES: Case[] = [
  {
    name: 'healthy over HTTPS (Full strict)',
    mode: 'strict',
    https: () => tlsWith('valid'),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'https',
  },
  {
    name: 'healthy over HTTP (Flexible)',
    mode: 'flexible',
    http: () => plain(),
    edge: { kind: 'healthy' },
    cause: null,
    leg: 'http',
  },
  {
    name: 'resets the connection after the headers',
    mode: 'strict',
    https: () =>
      tlsWith('valid', (socket, tcp) =>
        afterRequest(socket, () => {
          socket.write(
            raw('200 OK', { 'Content-Type': 'text/html', 'Content-Length': '5000' }, '<html><body>partial'),
          );
          setTimeout(() => tcp.resetAndDestroy(), 50);
        }),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.connection_reset',
    leg: 'https',
  },
  {
    name: 'closes mid-body (fewer bytes than Content-Length)',
    mode: 'flexible',
    http: () =>
      plain((socket) =>
        afterRequest(socket, () =>
          socket.end(
            raw('200 OK', { 'Content-Type': 'text/html', 'Content-Length': '5000' }, '<html><body>partial'),
          ),
        ),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.connection_reset',
    leg: 'http',
    samples: 3,
  },
  {
    name: 'malformed status line',
    mode: 'flexible',
    http: () =>
      plain((socket) =>
        afterRequest(socket, () => socket.end('HTTP/1.1 2O0 OK\r\nContent-Length: 2\r\n\r\nok')),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.invalid_response',
    leg: 'http',
  },
  {
    name: 'answers bytes that are not HTTP',
    mode: 'strict',
    https: () =>
      tlsWith('valid', (socket) =>
        afterRequest(socket, () => socket.end('\u0000\u0001SSH-2.0-OpenSSH_9.6\r\n')),
      ),
    edge: { kind: 'branded', code: 520 },
    cause: 'origin.invalid_response',
    leg: 'https',
  },
];
