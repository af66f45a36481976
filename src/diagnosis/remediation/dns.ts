import { strs } from './cloudflare.js';
import { type StepsByCode, str } from './steps.js';

export const DNS_STEPS: StepsByCode = {
  'dns.record_missing': (e) => [
    `Add a proxied (orange cloud) A/AAAA record for ${str(e.host, 'the host')} pointing at the origin's public address, or a CNAME to its hostname: dashboard → ${str(e.zone, 'the zone')} → DNS → Records → Add record.`,
    'If the host is meant to be served by a Cloudflare Tunnel, run `cloudflared tunnel route dns <tunnel-name> ' +
      str(e.host, '<host>') +
      '` to create the CNAME.',
  ],
  'dns.not_proxied': (e) => [
    `The record is DNS-only, so an error page for ${str(e.host, 'this host')} comes from the origin itself, not Cloudflare: look at the origin's web server first.`,
    'To put Cloudflare in front: dashboard → DNS → Records → Edit the record → turn "Proxy status" on (orange cloud).',
  ],
  'dns.origin_private_address': (e) => [
    `Change the ${str(e.recordType, 'DNS')} record of ${str(e.host, 'the host')} (now ${str(e.content, '?')}) to the origin's PUBLIC address: ${str(e.address, 'that address')} is in ${str(e.range, 'a private range')}, which Cloudflare's edge cannot reach.`,
    'If the origin has no public address, publish it through a Cloudflare Tunnel instead: `cloudflared tunnel create <name>`, then `cloudflared tunnel route dns <name> ' +
      str(e.host, '<host>') +
      '` and run the connector next to the origin.',
  ],
  'dns.public_not_cloudflare': (e) => [
    `Public DNS answers ${strs(e.addresses).join(', ') || 'addresses'} for ${str(e.host, 'the host')}, which are not Cloudflare's: check that the registrar's nameservers are Cloudflare's (\`dig NS ${str(e.zone, '<zone>')} +short\`).`,
    'If the nameservers are right, wait for resolvers to drop the old answer (up to the previous TTL) or check for a conflicting record at another DNS provider.',
  ],
};
