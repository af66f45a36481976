// Builds the ports the public-DNS and edge checks use from real adapters pointed at the loopback
// fakes: the public resolver at the fake DNS server, the edge prober at the fake edge, and the guard
// opened for 127.0.0.0/8 only (as CHECK502_ALLOW_PRIVATE_NETS would).
import type { CheckContext } from '../../src/diagnosis/check.js';
import type { Ports } from '../../src/diagnosis/ports.js';
import { parseSite } from '../../src/diagnosis/target.js';
import { createAddressPolicy } from '../../src/probes/address-policy.js';
import { createEdgeProber } from '../../src/probes/edge-prober.js';
import { createPublicResolver, resolveAddresses } from '../../src/probes/public-resolver.js';
import type { DnsServer } from './dns-server.js';

export function labPorts(dns: DnsServer, options: { extraCa?: string[]; allow?: string[] } = {}): Ports {
  const resolver = createPublicResolver([{ host: dns.host, port: dns.port }], { timeoutMs: 200, tries: 1 });
  const addresses = createAddressPolicy(options.allow ?? ['127.0.0.0/8']);
  return {
    resolver,
    addresses,
    edge: createEdgeProber({
      resolve: resolveAddresses(resolver),
      policy: addresses,
      ...(options.extraCa ? { extraCa: options.extraCa } : {}),
    }),
    origin: { probe: () => Promise.reject(new Error('the origin is not probed in these tests')) },
    clock: { now: () => new Date() },
  };
}

export function checkContext(site: string, ports: Ports, timeoutMs = 3000): CheckContext {
  const parsed = parseSite(site);
  if (!parsed.ok) throw new Error(parsed.reason);
  return {
    target: parsed.target,
    options: { timeoutMs },
    ports,
    signal: AbortSignal.timeout(timeoutMs + 1500),
    facts: {},
  };
}
