import { clientCertRule } from './client-cert-rule.js';
import { flexibleRedirectRule } from './flexible-redirect-rule.js';
import { http2Rule } from './http2-rule.js';
import { intermittentRule } from './intermittent-rule.js';
import { noHealthyPoolRule } from './no-healthy-pool-rule.js';
import { originBlocksCloudflareRule } from './origin-blocks-cloudflare-rule.js';
import { privateAddressRule } from './private-address-rule.js';
import { publicDnsRule } from './public-dns-rule.js';
import type { Rule } from './rule.js';
import { slowOriginRule } from './slow-origin-rule.js';
import { sslNoHttpsRule } from './ssl-no-https-rule.js';
import { strictCertRule } from './strict-cert-rule.js';
import { tunnelDownRule } from './tunnel-down-rule.js';
import { tunnelServiceRule } from './tunnel-service-rule.js';
import { unknownModeLegRule } from './unknown-mode-leg-rule.js';
import { workerErrorRule } from './worker-error-rule.js';

// Ordered: the first rule that names a cause wins, so the strongest explanations come first.
export const RULES: readonly Rule[] = [
  // Re-grades only (names no cause): which probe leg is Cloudflare's must be settled first.
  unknownModeLegRule,
  workerErrorRule,
  privateAddressRule,
  tunnelDownRule,
  noHealthyPoolRule,
  tunnelServiceRule,
  originBlocksCloudflareRule,
  sslNoHttpsRule,
  strictCertRule,
  clientCertRule,
  http2Rule,
  slowOriginRule,
  flexibleRedirectRule,
  publicDnsRule,
  intermittentRule,
];
