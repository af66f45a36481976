// Steps for public DNS problems: the name does not resolve, or resolves to a private address.
import { type StepsByCode, str } from './steps.js';

export const PUBLIC_DNS_STEPS: StepsByCode = {
  'dns.public_resolution_failed': (e) => {
    const host = str(e.host, 'the site');
    const resolvers = Array.isArray(e.resolvers) ? e.resolvers.join(', ') : '';
    const dangling = str(e.danglingCname, '');
    const apex = host.split('.').slice(-2).join('.');
    if (dangling !== '') {
      return [
        `Fix the CNAME for ${host}: its target ${dangling} does not exist. Point it at a name that resolves, or replace it with an A/AAAA record.`,
        `Check with \`dig +short ${dangling} @1.1.1.1\`.`,
      ];
    }
    switch (e.errorCode) {
      case 'ENOTFOUND':
        return [
          `Create a DNS record for ${host} in the zone (proxied, orange cloud), or fix the typo in the name.`,
          `Check the domain's nameservers at the registrar are the ones the zone shows: \`dig +short NS ${apex}\`.`,
        ];
      case 'ENODATA':
        return [`Add an A/AAAA (or CNAME) record for ${host}: the name exists but has no address.`];
      case 'ESERVFAIL':
        return [
          `SERVFAIL is most often DNSSEC: make sure the DS record at the registrar matches the zone's current DNSSEC key (or remove it), e.g. after moving to Cloudflare.`,
          `Check with \`dig +dnssec ${host} @1.1.1.1\` and https://dnsviz.net/d/${apex}/dnssec/.`,
        ];
      default:
        return [
          `The resolvers${resolvers ? ` (${resolvers})` : ''} did not answer: check CHECK502_DNS_SERVERS points at working resolvers and that the domain's nameservers answer (\`dig +short NS ${apex}\`).`,
        ];
    }
  },
  'dns.public_private_address': (e) => {
    const host = str(e.host, 'the site');
    const address = str(e.address, 'the address');
    return [
      `Change the public record for ${host} from ${address} (${str(e.range, 'a private range')}) to the origin's public IP, and proxy it through Cloudflare.`,
      'To publish a service that only has a private address, run a Cloudflare Tunnel (cloudflared) instead of pointing DNS at it.',
    ];
  },
};
