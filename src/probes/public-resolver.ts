// Public DNS as the world sees it: A, AAAA and the CNAME chain of a host, asked of the resolvers in
// CHECK502_DNS_SERVERS (the system's when none are named) rather than the OS cache, so a lab or an
// operator can point the bot at a chosen resolver. Every lookup is bounded and cancelled on abort.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DnsAnswer, ErrorInfo, PublicResolver } from '../diagnosis/ports.js';

export interface ResolverServer {
  host: string;
  port: number;
}

export interface PublicResolverOptions {
  /** Per-try timeout in ms (c-ares doubles it on each retry). */
  timeoutMs?: number;
  tries?: number;
}

const MAX_CNAME_HOPS = 8;

export function createPublicResolver(
  servers: readonly ResolverServer[],
  options: PublicResolverOptions = {},
): PublicResolver {
  const serverList = servers.map(formatServer);
  const make = (): Resolver => {
    const resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
    if (serverList.length > 0) resolver.setServers(serverList);
    return resolver;
  };
  return {
    async resolve(host, signal) {
      const name = host.replace(/\.$/, '').toLowerCase();
      const resolver = make();
      const resolvers = resolver.getServers().map(withPort);
      if (isIP(name) !== 0) return { host: name, addresses: [name], cnames: [], resolvers };
      // One Resolver per lookup: cancel() aborts everything outstanding on it, and only that.
      const onAbort = () => resolver.cancel();
      if (signal.aborted) return { host: name, addresses: [], cnames: [], resolvers, error: aborted() };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const [v4, v6, cnames] = await Promise.all([
          settle(resolver.resolve4(name)),
          settle(resolver.resolve6(name)),
          cnameChain(resolver, name, signal),
        ]);
        const answer: DnsAnswer = {
          host: name,
          addresses: [...(v4.value ?? []), ...(v6.value ?? [])],
          cnames,
          resolvers,
        };
        if (answer.addresses.length === 0) {
          answer.error = signal.aborted ? aborted() : pickError(v4.error, v6.error);
        }
        return answer;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** Adapts a resolver to the `(host, signal) → addresses` shape the guard and probers take. */
export function resolveAddresses(
  resolver: PublicResolver,
): (host: string, signal: AbortSignal) => Promise<string[]> {
  return async (host, signal) => {
    const answer = await resolver.resolve(host, signal);
    if (answer.addresses.length > 0) return answer.addresses;
    const code = answer.error?.code ?? 'ENODATA';
    const via = answer.resolvers.length > 0 ? ` (asked ${answer.resolvers.join(', ')})` : '';
    throw Object.assign(
      new Error(`${host} did not resolve: ${answer.error?.message ?? 'no A/AAAA records'}${via}`),
      {
        code,
      },
    );
  };
}

async function cnameChain(resolver: Resolver, host: string, signal: AbortSignal): Promise<string[]> {
  const chain: string[] = [];
  let current = host;
  for (let hop = 0; hop < MAX_CNAME_HOPS && !signal.aborted; hop++) {
    const next = await settle(resolver.resolveCname(current));
    const target = next.value?.[0]?.replace(/\.$/, '').toLowerCase();
    if (!target || chain.includes(target) || target === host) break;
    chain.push(target);
    current = target;
  }
  return chain;
}

interface Settled<T> {
  value?: T;
  error?: ErrorInfo;
}

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: toErrorInfo(error) };
  }
}

const MESSAGES: Record<string, string> = {
  ENOTFOUND: 'the name does not exist (NXDOMAIN)',
  ENODATA: 'the name exists but has no A or AAAA record',
  ESERVFAIL: 'the resolver answered SERVFAIL',
  ETIMEOUT: 'the resolver did not answer in time',
  EREFUSED: 'the resolver refused the query',
  ECONNREFUSED: 'the resolver could not be contacted',
  ECANCELLED: 'the lookup was cancelled when the budget ran out',
};

// Most telling first: NXDOMAIN or SERVFAIL on either family says more than "no AAAA".
const PRIORITY = ['ENOTFOUND', 'ESERVFAIL', 'EREFUSED', 'ETIMEOUT', 'ECONNREFUSED', 'ECANCELLED', 'ENODATA'];

function pickError(a: ErrorInfo | undefined, b: ErrorInfo | undefined): ErrorInfo {
  const candidates = [a, b].filter((e): e is ErrorInfo => e !== undefined);
  candidates.sort((x, y) => rank(x.code) - rank(y.code));
  return candidates[0] ?? { code: 'ENODATA', message: MESSAGES['ENODATA'] ?? 'no data' };
}

function rank(code: string): number {
  const index = PRIORITY.indexOf(code);
  return index === -1 ? PRIORITY.length : index;
}

function toErrorInfo(error: unknown): ErrorInfo {
  const code =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'EDNS';
  return { code, message: MESSAGES[code] ?? (error instanceof Error ? error.message : String(error)) };
}

function aborted(): ErrorInfo {
  return { code: 'ETIMEOUT', message: 'no answer from the resolvers within the budget' };
}

function formatServer(server: ResolverServer): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** getServers() omits port 53; the report always names `ip:port`. */
function withPort(server: string): string {
  if (server.startsWith('[')) return server;
  if (isIP(server) === 6) return `[${server}]:53`;
  return server.includes(':') ? server : `${server}:53`;
}
