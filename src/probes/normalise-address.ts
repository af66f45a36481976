// Turns a user-named address (`--origin`, an API answer) into an IP literal or a hostname to resolve.
// Numeric tricks (`2130706433`, `0x7f.1`, `017700000001`, `127.1`) are what socket APIs and browsers
// accept as IPv4, so they are decoded with the WHATWG URL host parser and then judged as the IP they are.
import { isIP } from 'node:net';

export type NormalisedAddress =
  | { kind: 'ip'; ip: string }
  | { kind: 'name'; host: string }
  | { kind: 'invalid'; reason: string };

const MAX_LENGTH = 253;
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

export function normaliseAddress(input: string): NormalisedAddress {
  const text = input.trim();
  if (text === '') return { kind: 'invalid', reason: 'empty address' };
  if (text.length > MAX_LENGTH + 2) return { kind: 'invalid', reason: 'address is too long' };

  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(unbracketed) === 6) {
    // Zone ids (fe80::1%eth0) name a local interface: never a remote origin.
    if (unbracketed.includes('%')) return { kind: 'invalid', reason: 'IPv6 zone ids are not accepted' };
    return { kind: 'ip', ip: canonicalV6(unbracketed) };
  }
  if (!/^[^\s/?#@:%\\[\]]+$/u.test(text)) {
    return {
      kind: 'invalid',
      reason: `"${clip(text)}" is not an IP address or hostname (give it without scheme, port or path)`,
    };
  }

  let host: string;
  try {
    host = new URL(`http://${text}/`).hostname;
  } catch {
    return { kind: 'invalid', reason: `"${clip(text)}" is not a valid IP address or hostname` };
  }
  if (isIP(host) === 4) return { kind: 'ip', ip: host };
  host = host.replace(/\.$/, '');
  if (host === '' || host.length > MAX_LENGTH) return { kind: 'invalid', reason: 'not a valid hostname' };
  if (!host.split('.').every((label) => LABEL.test(label))) {
    return { kind: 'invalid', reason: `"${clip(text)}" is not a valid hostname` };
  }
  return { kind: 'name', host };
}

/** The URL parser prints IPv6 in its canonical compressed form, lower case. */
function canonicalV6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
