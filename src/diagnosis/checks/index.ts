import type { AnyCheck } from '../check.js';
import { analyticsCheck } from './analytics.js';
import { cloudflareCheck } from './cloudflare.js';
import { edgeCheck } from './edge.js';
import { originCheck } from './origin.js';
import { publicDnsCheck } from './public-dns.js';

// Every check of a diagnosis, in the order their findings are listed in the report.
export const ALL_CHECKS: readonly AnyCheck[] = [
  cloudflareCheck,
  publicDnsCheck,
  edgeCheck,
  originCheck,
  analyticsCheck,
];
