// A `lookup` for outbound connections to a NAMED host the bot did not choose the address of (Slack's
// hooks host): every address the name resolves to is judged by the private-address guard at
// connect time, and one guarded answer refuses the whole name (as resolveGuarded does), so a
// poisoned or rebinding DNS answer cannot turn a post into a request to the metadata service.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from '../diagnosis/ports.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type ResolveAll = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolveAll: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

export function guardedLookup(policy: AddressPolicy, resolve: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !policy.check(a.address).allowed);
        if (addresses.length === 0 || refused) {
          const why = refused ? `${refused.address} is in a guarded range` : 'no address';
          const error: NodeJS.ErrnoException = new Error(`${hostname}: ${why}`);
          error.code = 'EGUARDED';
          callback(error, '');
          return;
        }
        if (options?.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
