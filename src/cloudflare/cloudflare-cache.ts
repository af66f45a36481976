// Process-wide memory of slow-changing API answers (zone lookups, Cloudflare's IP ranges), shared by
// every diagnosis so repeated checks of a site cost fewer API calls. Concurrent diagnoses asking the
// same thing share one in-flight request. Failures are not cached: the next diagnosis asks again.
export interface CloudflareCache {
  /** Returns the cached value for `key`, or runs `load` once (shared by concurrent callers). */
  remember<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T>;
  clear(): void;
  readonly size: number;
}

export interface CloudflareCacheOptions {
  /** Most entries kept; the oldest are dropped first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  value: Promise<unknown>;
  expiresAt: number;
}

export function createCloudflareCache(options: CloudflareCacheOptions = {}): CloudflareCache {
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  return {
    remember<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now()) return hit.value as Promise<T>;
      if (hit) entries.delete(key);
      const value = load();
      // In flight until settled; the TTL starts when it succeeds.
      const entry: Entry = { value, expiresAt: Number.POSITIVE_INFINITY };
      entries.set(key, entry);
      value.then(
        () => {
          entry.expiresAt = now() + ttlMs;
        },
        () => {
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return value;
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
