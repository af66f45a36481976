// How a port of the misbehaving-origin lab (origin-lab.ts) behaves on each accepted socket: plain
// responders, TLS with the origin's certificate (client-certificate requests, a TLS version cap, h2
// offered in ALPN and spoken or broken), and a real HTTP/2 server.

import { createSecureServer } from 'node:http2';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { KeyPair } from './certs.js';
import {
  type Responder,
  type ResponderName,
  responders,
  type StatefulResponderName,
  statefulResponders,
} from './origin-behaviours.js';
import type { AnyResponder, CertName, PortBehaviour } from './origin-lab-origins.js';

function responderFor(name: AnyResponder): Responder {
  return name in statefulResponders
    ? statefulResponders[name as StatefulResponderName]()
    : responders[name as ResponderName];
}

export function behaviourCert(behaviour: PortBehaviour): CertName {
  return behaviour.kind === 'tls' ? behaviour.cert : 'valid';
}

export function handlerFor(behaviour: PortBehaviour, pair: KeyPair): ((socket: Socket) => void) | undefined {
  if (behaviour.kind === 'plain') {
    const respond = responderFor(behaviour.respond);
    return (socket) => respond(socket, socket);
  }
  if (behaviour.kind !== 'tls') return undefined;
  const respond = responderFor(behaviour.respond);
  const context = createSecureContext({
    cert: pair.cert,
    key: pair.key,
    ...(behaviour.maxVersion ? { maxVersion: behaviour.maxVersion } : {}),
  });
  if (behaviour.h2 === 'h2') return http2Responder(pair);
  return (tcp) => {
    const socket = new TLSSocket(tcp, {
      isServer: true,
      secureContext: context,
      ALPNProtocols: behaviour.h2 ? ['h2', 'http/1.1'] : ['http/1.1'],
      requestCert: behaviour.clientCert !== undefined,
      rejectUnauthorized: behaviour.clientCert === 'required',
    });
    socket.on('error', () => tcp.destroy());
    socket.once('secure', () => {
      // h2-broken: agreed to h2, answers as if it were HTTP/1.1 (a proxy that advertises what it cannot speak).
      if (socket.alpnProtocol === 'h2') {
        socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
        return;
      }
      respond(socket, tcp);
    });
  };
}

/** A real HTTP/2 server (node:http2, HTTP/1.1 allowed for clients that only offer that), fed each accepted TCP socket. */
function http2Responder(pair: KeyPair): (socket: Socket) => void {
  const server = createSecureServer({ cert: pair.cert, key: pair.key, allowHTTP1: true }, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', server: `lab-origin-h${req.httpVersionMajor}` });
    res.end('<!doctype html><title>shop</title>ok');
  });
  server.on('sessionError', () => {});
  server.on('tlsClientError', () => {});
  return (socket) => server.emit('connection', socket);
}
