// Preloaded into the spawned CLI (`node --import`): records every outbound TCP connect, every
// system DNS lookup and the servers every c-ares resolver asks, one JSON line each, into the file
// named by CHECK502_E2E_NETLOG. The e2e suite asserts from it that nothing left 127.0.0.0/8 and
// that a guarded address was never connected to. It observes only; the product runs unchanged.

import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const file = process.env.CHECK502_E2E_NETLOG;
const log = (entry) => {
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
};

if (file) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function recordedConnect(...args) {
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
    if (options.path === undefined) {
      log({ kind: 'connect', host: options.host ?? 'localhost', port: Number(options.port) });
      this.once('lookup', (_err, address) => log({ kind: 'lookup-result', host: options.host, address }));
    }
    return connect.apply(this, args);
  };

  const lookup = dns.lookup;
  dns.lookup = function recordedLookup(host, ...rest) {
    log({ kind: 'system-lookup', host });
    return lookup.call(this, host, ...rest);
  };
  const promisesLookup = dns.promises.lookup;
  dns.promises.lookup = function recordedPromisesLookup(host, ...rest) {
    log({ kind: 'system-lookup', host });
    return promisesLookup.call(this, host, ...rest);
  };
  for (const Resolver of [dns.Resolver, dns.promises.Resolver]) {
    for (const method of ['resolve', 'resolve4', 'resolve6', 'resolveCname', 'resolveAny', 'reverse']) {
      const original = Resolver.prototype[method];
      if (typeof original !== 'function') continue;
      Resolver.prototype[method] = function recordedResolve(name, ...rest) {
        log({ kind: 'resolve', method, name, servers: this.getServers() });
        return original.call(this, name, ...rest);
      };
    }
  }
  syncBuiltinESMExports();
}
