// Builds the fix service from configuration: a writer only when CLOUDFLARE_FIX_TOKEN is set (so
// nothing can write without it), the Redis store for once-keys, Undo and the audit trail.
import { createCloudflareFixWriter } from '../cloudflare/cloudflare-fix-writer.js';
import type { DiagnosisConfig } from '../config.js';
import { createFixService, type FixService } from './fix-service.js';
import { createFixStore, type RedisLike } from './fix-store.js';

export function createGuardedFixes(config: DiagnosisConfig, redis: RedisLike, prefix: string): FixService {
  const store = createFixStore(redis, prefix);
  if (!config.cloudflareFixToken) return createFixService({ store });
  const writer = createCloudflareFixWriter({
    token: config.cloudflareFixToken,
    ...(config.cloudflareBaseUrl !== undefined ? { baseUrl: config.cloudflareBaseUrl } : {}),
  });
  return createFixService({ store, writer });
}
