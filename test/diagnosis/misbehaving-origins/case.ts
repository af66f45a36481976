// One misbehaving-origin case (what the origin does on each leg, what the edge shows, the cause
// expected) and the origin answers the cases are built from.

import type { EdgeBehaviour } from '../../fakes/fake-edge.js';
import { afterRequest, raw, type TinySpec } from '../../fakes/tiny-origin.js';
import { certs } from './lab.js';

export const OK_PAGE = '<!doctype html><title>shop</title>ok';
export const ok: TinySpec['respond'] = (socket) =>
  afterRequest(socket, () =>
    socket.end(
      raw(
        '200 OK',
        { 'Content-Type': 'text/html', 'Content-Length': String(OK_PAGE.length), Connection: 'close' },
        OK_PAGE,
      ),
    ),
  );
export const tlsWith = (cert: 'valid' | 'expired' | 'wrongName' | 'selfSigned', respond = ok): TinySpec => ({
  respond,
  tls: { cert: certs[cert].cert, key: certs[cert].key },
});
export const plain = (respond = ok): TinySpec => ({ respond });
export const headers =
  (extra: Record<string, string>): TinySpec['respond'] =>
  (socket) =>
    afterRequest(socket, () => socket.end(raw('200 OK', { 'Content-Length': '2', ...extra }, 'ok')));

export interface Case {
  name: string;
  mode: 'flexible' | 'full' | 'strict';
  http?: () => TinySpec;
  https?: () => TinySpec;
  edge: EdgeBehaviour;
  /** Expected primary cause; null: nothing wrong for visitors. */
  cause: string | null;
  /** The origin leg Cloudflare uses in this mode, which must have seen the probe. */
  leg: 'http' | 'https';
  timeoutMs?: number;
  /** Also sample the origin (fresh and kept-alive connections): a steady failure is not "intermittent". */
  samples?: number;
}

export const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';
