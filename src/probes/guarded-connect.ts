// Resolves a user-named address to the one IP a probe may connect to, or says why not.
// The caller must connect to the returned `ip` literal (never re-resolve the name), so the address
// judged here is the address connected to: a name resolving to 127.0.0.1 is caught at connect time.
//
// Choice: if ANY resolved address is guarded, the whole name is refused. A name that mixes public
// and private answers is either misconfigured or a rebinding attempt; probing only its public half
// would hide the problem Cloudflare may hit, and connecting to the other half is what we must not do.
import { connect, type Socket } from 'node:net';
import type { AddressPolicy, ErrorInfo } from '../diagnosis/ports.js';
import { normaliseAddress } from './normalise-address.js';

export type GuardedResolution =
  | { ok: true; ip: string }
  | { ok: false; kind: 'guarded'; ip: string; range: string; reason: string }
  | { ok: false; kind: 'resolve_failed'; error: ErrorInfo };

export type ResolveHost = (host: string, signal: AbortSignal) => Promise<string[]>;

export async function resolveGuarded(
  address: string,
  policy: AddressPolicy,
  resolve: ResolveHost,
  signal: AbortSignal,
): Promise<GuardedResolution> {
  const normalised = normaliseAddress(address);
  if (normalised.kind === 'invalid') {
    return {
      ok: false,
      kind: 'resolve_failed',
      error: { code: 'EINVALIDADDRESS', message: normalised.reason },
    };
  }
  if (normalised.kind === 'ip') return judge([normalised.ip], policy);

  let answers: string[];
  try {
    answers = await resolve(normalised.host, signal);
  } catch (error) {
    return { ok: false, kind: 'resolve_failed', error: errorInfo(error, normalised.host) };
  }
  if (answers.length === 0) {
    return {
      ok: false,
      kind: 'resolve_failed',
      error: { code: 'ENODATA', message: `${normalised.host} has no A or AAAA record` },
    };
  }
  return judge(answers, policy);
}

function judge(ips: string[], policy: AddressPolicy): GuardedResolution {
  for (const ip of ips) {
    const verdict = policy.check(ip);
    if (!verdict.allowed)
      return { ok: false, kind: 'guarded', ip, range: verdict.range, reason: verdict.reason };
  }
  // Prefer IPv4 like most origins' A records; the order within a family is the resolver's.
  const first = ips.find((ip) => !ip.includes(':')) ?? ips[0]!;
  return { ok: true, ip: first };
}

/**
 * Opens a TCP connection to a literal IP only after the policy allows it: the last line of defence
 * for code that was handed an address from elsewhere (a redirect, a retry).
 */
export function connectChecked(
  ip: string,
  port: number,
  policy: AddressPolicy,
): { ok: true; socket: Socket } | { ok: false; range: string; reason: string } {
  const verdict = policy.check(ip);
  if (!verdict.allowed) return { ok: false, range: verdict.range, reason: verdict.reason };
  return { ok: true, socket: connect({ host: ip, port, noDelay: true }) };
}

function errorInfo(error: unknown, host: string): ErrorInfo {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: typeof code === 'string' ? code : 'ERESOLVE',
    message: message || `could not resolve ${host}`,
  };
}
