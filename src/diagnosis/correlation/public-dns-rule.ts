// A proxied host should resolve publicly to Cloudflare's edge. If public DNS answers other
// addresses, visitors bypass Cloudflare (stale resolvers, nameservers elsewhere, or another provider).
import { isCloudflareAddress } from '../cloudflare-ranges.js';
import { finding } from '../finding.js';
import { has } from './evidence.js';
import type { Rule } from './rule.js';

export const publicDnsRule: Rule = {
  name: 'proxied-host-not-resolving-to-cloudflare',
  apply(input) {
    const cf = input.facts.cloudflare;
    const answer = input.facts.publicDns?.answer;
    if (!cf?.proxied || !answer || answer.error || answer.addresses.length === 0) return undefined;
    if (has(input.findings, 'dns.public_not_cloudflare')) return undefined;
    const ranges = cf.ipRanges;
    const outside = answer.addresses.filter((a) => !isCloudflareAddress(a, ranges));
    if (outside.length === 0) return undefined;
    const mixed = outside.length < answer.addresses.length;
    const added = finding({
      code: 'dns.public_not_cloudflare',
      severity: 'warn',
      title: `Public DNS does not send ${answer.host} to Cloudflare`,
      detail: `The zone proxies ${answer.host}, but public resolvers answer ${outside.join(', ')}, which ${outside.length > 1 ? 'are' : 'is'} not in Cloudflare's ranges${mixed ? ' (mixed with Cloudflare addresses: an old answer is still cached, or another provider also serves the name)' : ''}. Visitors reaching those addresses bypass Cloudflare.`,
      evidence: {
        host: answer.host,
        addresses: answer.addresses,
        notCloudflare: outside,
        zone: cf.zone?.name,
        resolvers: answer.resolvers,
      },
    });
    return { findings: [...input.findings, added] };
  },
};
