import type { AnyCheck } from '../check.js';
import { analyticsCheck } from './analytics/index.js';
import { changesCheck } from './changes/index.js';
import { cloudflareCheck } from './cloudflare/index.js';
import { edgeCheck } from './edge/index.js';
import { edgeSamplesCheck } from './edge-samples/index.js';
import { keepAliveCheck } from './keepalive/index.js';
import { originCheck } from './origin/index.js';
import { originSamplesCheck } from './origin-samples/index.js';
import { publicDnsCheck } from './public-dns/index.js';
import { zoneSettingsCheck } from './zone-settings/index.js';

// Every check of a diagnosis, in the order their findings are listed in the report.
export const ALL_CHECKS: readonly AnyCheck[] = [
  cloudflareCheck,
  publicDnsCheck,
  edgeCheck,
  edgeSamplesCheck,
  originCheck,
  originSamplesCheck,
  zoneSettingsCheck,
  keepAliveCheck,
  analyticsCheck,
  changesCheck,
];

/** The monitors' light check: what visitors get, sampled; no API calls, no origin connections. */
export const LIGHT_CHECKS: readonly AnyCheck[] = [edgeCheck, edgeSamplesCheck];
