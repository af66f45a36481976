// Steps for the Cloudflare API findings (the bot's own access) and for origin.blocks_cloudflare,
// which the correlation rules derive from the API's ranges and the probes.
import { permissionList } from '../cloudflare-permissions.js';
import { type StepsByCode, str } from './steps.js';

/** Reads an evidence value as a list of strings (ranges, addresses, nameservers). */
export function strs(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export const CLOUDFLARE_STEPS: StepsByCode = {
  'cloudflare.auth_failed': (e) => {
    const create = `Create a read-only token (dashboard → My Profile → API Tokens → Create Token → Custom token) with the ${permissionList()}; under Zone Resources include the zone, and under Account Resources the account that owns it (account permissions do nothing without it). Set it as CLOUDFLARE_API_TOKEN, restart the bot, and run \`check502 doctor --zone <zone>\` to confirm every read works.`;
    if (e.malformed === true) {
      return [
        'CLOUDFLARE_API_TOKEN is not in the form Cloudflare accepts: it must be an API token (40 letters, digits, "-" or "_"), not the 37-character Global API Key, and without quotes, a "Bearer " prefix, spaces or a trailing newline.',
        create,
      ];
    }
    if (e.tokenRejected === true || e.status === 401) {
      return [
        'Check that CLOUDFLARE_API_TOKEN holds the whole token and that it has not expired, been disabled or been revoked: dashboard → My Profile → API Tokens ("Roll" it, or create a new one).',
        create,
      ];
    }
    const scope =
      e.permissionScope === 'account'
        ? ` This is an ACCOUNT permission: under Account Resources the token must include the account that owns the zone ("Include → <that account>" or "All accounts").`
        : ' Under Zone Resources the token must include this zone.';
    return [
      `Edit the API token (dashboard → My Profile → API Tokens → Edit) and add the permission "${str(e.permission, 'read access')}" (needed to read ${str(e.operation, 'this part')}).${scope}`,
      'Run `check502 doctor --zone <zone>` to see every permission the token lacks, then run the diagnosis again; the rest of this report was produced without that part.',
    ];
  },
  'cloudflare.budget_spent': (e) => [
    `Run the diagnosis again in a minute to read ${str(e.operation, 'the rest')}: zone lookups and Cloudflare's IP ranges are remembered, which leaves room for it.`,
  ],
  'cloudflare.api_unavailable': (e) => [
    `Check https://www.cloudflarestatus.com for an API incident; the bot could not read ${str(e.operation, 'the zone')} (${str(e.reason, 'no answer')}).`,
    'If the bot runs behind a proxy or firewall, allow outbound HTTPS to api.cloudflare.com (or the host in CLOUDFLARE_BASE_URL).',
    'Run the diagnosis again in a minute; the probe results above are complete without the API.',
  ],
  'cloudflare.rate_limited': (e) => [
    `Wait ${str(e.retryAfterSeconds, 'a few')} seconds before the next diagnosis: Cloudflare allows 1200 API requests per 5 minutes per user, shared with the dashboard and every other token of that user.`,
    'If other automation uses the same user, give the bot its own user or token and fewer parallel diagnoses (CHECK502_WORKER_CONCURRENCY).',
  ],
  'cloudflare.zone_not_found': (e) => [
    `Check that ${str(e.host, 'the site')} (or its parent domain) is a zone in your Cloudflare account: dashboard → Websites.`,
    'If it is, the token is scoped to other zones: edit it (My Profile → API Tokens) and include this zone under Zone Resources.',
    'If the site is not on Cloudflare, Cloudflare cannot be the source of its 5xx: look at the host or CDN actually serving it.',
  ],
  'cloudflare.zone_inactive': (e) => {
    const ns = strs(e.nameServers);
    if (e.status === 'active' && e.paused === true) {
      return [
        `Resume Cloudflare for ${str(e.zone, 'the zone')}: dashboard → Overview → Advanced Actions → "Resume Cloudflare on Site".`,
      ];
    }
    return [
      `At your domain registrar, set the nameservers of ${str(e.zone, 'the zone')} to ${ns.length ? ns.join(' and ') : "the two Cloudflare nameservers shown in the dashboard's Overview"}, and remove any others.`,
      'Wait for the change to propagate (check with `dig NS ' +
        str(e.zone, 'example.com') +
        ' +short`), then press "Check nameservers" on the zone\'s Overview page.',
    ];
  },
  'origin.blocks_cloudflare': (e) => {
    const v4 = strs(e.ipv4);
    const v6 = strs(e.ipv6);
    return [
      `Allow inbound TCP ${str(e.port, '80 and 443')} from every Cloudflare range in the origin's firewall, cloud security group and host firewall (ufw/iptables/nftables): IPv4 ${v4.join(', ') || 'see https://www.cloudflare.com/ips-v4'}${v6.length ? `; IPv6 ${v6.join(', ')}` : ''}.`,
      'Check security plugins, fail2ban and rate limiters on the origin (e.g. Wordfence, mod_security, CSF) for blocked Cloudflare addresses, and whitelist the ranges there too.',
      `If the host provider filters traffic (DDoS protection, "allow-list only"), ask them to allow Cloudflare's ranges to ${str(e.origin, 'the origin')}.`,
      'Run the diagnosis again: the edge should stop answering 521/522 once Cloudflare can connect.',
    ];
  },
};
