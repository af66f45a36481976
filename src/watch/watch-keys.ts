// The Redis key naming the watch that holds a site, shared by the watch store (which writes it) and
// the diagnosis producer (whose claim script refuses a site it names, saving the front a round trip).
import type { Platform } from '../chat/sink.js';

export function watchSiteKey(prefix: string, platform: Platform, site: string): string {
  return `${prefix}:watch:site:${platform}:${site}`;
}
