// A `lookup` for net/tls.connect that always yields the one address the guard already judged,
// re-checking it at the last moment: whatever name undici hands in, it connects there or nowhere.
import { isIP, type LookupFunction } from 'node:net';
import type { AddressPolicy } from '../diagnosis/ports.js';

export function pinnedLookup(address: string, policy: AddressPolicy): LookupFunction {
  return (_hostname, options, callback) => {
    const verdict = policy.check(address);
    if (!verdict.allowed) {
      const error: NodeJS.ErrnoException = new Error(`${address} is in a guarded range: ${verdict.reason}`);
      error.code = 'EGUARDED';
      process.nextTick(() => callback(error, ''));
      return;
    }
    const family = isIP(address) === 6 ? 6 : 4;
    // Node ≥ 20 asks for `all` when it may race address families (autoSelectFamily).
    if (options?.all) process.nextTick(() => callback(null, [{ address, family }]));
    else process.nextTick(() => callback(null, address, family));
  };
}
