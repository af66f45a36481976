// The port through which guarded fixes touch Cloudflare: read the live value of what a fix changes,
// and write it. Implemented over the SDK with CLOUDFLARE_FIX_TOKEN only (src/cloudflare/
// cloudflare-fix-writer.ts); nothing else in the program holds a writer.
import type { FixTarget, RecordValue } from './fix-plan.js';

export type LiveValue = string | boolean | RecordValue | undefined;

export interface FixWriter {
  /** The live value the target would change (undefined for a purge, which has none). */
  current(target: FixTarget): Promise<LiveValue>;
  /** Makes the one write; fails with an error whose message says why (never the token). */
  write(target: FixTarget): Promise<void>;
}

/** Whether a live value equals a target's `from` or `to` value. */
export function sameValue(live: LiveValue, wanted: string | boolean | RecordValue): boolean {
  if (typeof wanted === 'object' && typeof live === 'object') {
    return live.type === wanted.type && live.content === wanted.content && live.proxied === wanted.proxied;
  }
  return live === wanted;
}
