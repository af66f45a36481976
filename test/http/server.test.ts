// The one HTTP server: routing, body caps, errors without details, malformed and slow clients.
import { connect } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { healthzRoute, readyzRoute } from '../../src/http/health-routes.js';
import { json, type Route } from '../../src/http/route.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';

const logger = pino({ level: 'silent' });
let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const echo: Route = {
  method: 'POST',
  path: '/echo',
  maxBodyBytes: 64,
  handle: async (req) =>
    json(200, { bytes: req.body.length, body: req.body.toString('utf8'), q: req.query.get('q') }),
};
const boom: Route = {
  method: 'GET',
  path: '/boom',
  handle: async () => {
    throw new Error('secret internals xoxb-123');
  },
};

async function start(
  routes: Route[],
  options: { requestTimeoutMs?: number; headersTimeoutMs?: number } = {},
) {
  server = createHttpServer({ routes, logger, ...options });
  const address = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${address.port}`;
}

function raw(port: number, text: string, waitMs = 3000): Promise<string> {
  return rawWithClose(port, text, waitMs).then((r) => r.out);
}

/** Sends `text` and reads until the server closes (closedByServer) or `waitMs` passes. */
function rawWithClose(
  port: number,
  text: string,
  waitMs: number,
): Promise<{ out: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let out = '';
    let gaveUp = false;
    socket.setTimeout(waitMs, () => {
      gaveUp = true;
      socket.destroy();
    });
    socket.on('data', (d) => {
      out += d.toString();
    });
    socket.on('close', () => resolve({ out, closedByServer: !gaveUp }));
    socket.on('error', () => resolve({ out, closedByServer: !gaveUp }));
    socket.on('connect', () => socket.write(text));
  });
}

describe('createHttpServer', () => {
  it('dispatches by path and method, with 404 and 405', async () => {
    const url = await start([echo, healthzRoute()]);
    const ok = await fetch(`${url}/echo?q=1`, { method: 'POST', body: 'hello' });
    expect(await ok.json()).toEqual({ bytes: 5, body: 'hello', q: '1' });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const wrong = await fetch(`${url}/echo`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('routes a request target by its URL path: dot segments resolved, percent-escapes kept', async () => {
    const url = await start([echo, healthzRoute()]);
    const port = Number(new URL(url).port);
    const get = (target: string) =>
      raw(port, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    expect(await get('/healthz')).toMatch(/^HTTP\/1\.1 200/);
    expect(await get('/%68ealthz')).toMatch(/^HTTP\/1\.1 404/);
    expect(await get('/echo/../healthz')).toMatch(/^HTTP\/1\.1 200/);
    expect(await get('/healthz?probe=1')).toMatch(/^HTTP\/1\.1 200/);
    expect(await get('/healthz/')).toMatch(/^HTTP\/1\.1 404/);
    expect(await get('//healthz')).toMatch(/^HTTP\/1\.1 404/);
  });

  it('answers 413 for bodies over the route cap, declared or streamed', async () => {
    const url = await start([echo]);
    expect((await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(65) })).status).toBe(413);
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(20)));
        controller.close();
      },
    });
    const streamed = await fetch(`${url}/echo`, {
      method: 'POST',
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    // Still serving.
    expect((await fetch(`${url}/echo`, { method: 'POST', body: 'ok' })).status).toBe(200);
  });

  it('turns a thrown handler error into a 500 without details', async () => {
    const url = await start([boom]);
    const response = await fetch(`${url}/boom`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(text).not.toContain('xoxb');
  });

  it('answers malformed requests with 400 and keeps serving', async () => {
    const url = await start([healthzRoute()]);
    const port = Number(new URL(url).port);
    const reply = await raw(port, 'GARBAGE\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('drops clients that never finish their headers', async () => {
    const url = await start([healthzRoute()], { headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const port = Number(new URL(url).port);
    const reply = await rawWithClose(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 8000);
    // The server gave up on the slow client (408, then closed) instead of waiting for it.
    expect(reply.closedByServer).toBe(true);
    expect(reply.out === '' || /^HTTP\/1\.1 408/.test(reply.out)).toBe(true);
  });
});

describe('readyzRoute', () => {
  it('is 200 when every probe passes and 503 naming the failing one otherwise', async () => {
    let redisUp = true;
    const url = await start([
      readyzRoute([
        { name: 'redis', check: async () => redisUp },
        { name: 'workers', check: async () => true },
      ]),
    ]);
    const up = await fetch(`${url}/readyz`);
    expect(up.status).toBe(200);
    redisUp = false;
    const down = await fetch(`${url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'not ready', checks: { redis: 'failing', workers: 'ok' } });
  });

  it('treats a probe that hangs as failing', async () => {
    const url = await start([readyzRoute([{ name: 'redis', check: () => new Promise(() => {}) }], 100)]);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });
});
