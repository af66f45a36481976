import { flexibleRedirectRule } from './flexible-redirect-rule.js';
import { intermittentRule } from './intermittent-rule.js';
import { noHealthyPoolRule } from './no-healthy-pool-rule.js';
import { originBlocksCloudflareRule } from './origin-blocks-cloudflare-rule.js';
import { privateAddressRule } from './private-address-rule.js';
import { publicDnsRule } from './public-dns-rule.js';
import type { Rule } from './rule.js';
import { sslNoHttpsRule } from './ssl-no-https-rule.js';
import { strictCertRule } from './strict-cert-rule.js';
import { tunnelDownRule } from './tunnel-down-rule.js';
import { tunnelServiceRule } from './tunnel-service-rule.js';
import { workerErrorRule } from './worker-error-rule.js';

// Ordered: the first rule that names a cause wins, so the strongest explanations come first.
export const RULES: readonly Rule[] = [
  workerErrorRule,
  privateAddressRule,
  tunnelDownRule,
  noHealthyPoolRule,
  tunnelServiceRule,
  originBlocksCloudflareRule,
  sslNoHttpsRule,
  strictCertRule,
  flexibleRedirectRule,
  publicDnsRule,
  intermittentRule,
];
