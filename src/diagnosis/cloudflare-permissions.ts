// The API token permissions the diagnosis reads with, named exactly as Cloudflare's token editor
// and permission-groups list name them ("Zone Settings Read", not "SSL:Read"), with their scope:
// an account-scoped permission only works when the token's Account Resources include the account
// that owns the zone. One table, used by the reader (errors name it), the remediation steps, the
// `doctor` command and the docs, so they cannot drift apart.
// Source: developers.cloudflare.com/fundamentals/api/reference/permissions/ (zone and account
// tables) and the "Accepted Permissions" of each endpoint's API reference page.

export type PermissionScope = 'zone' | 'account';

export interface CfPermission {
  /** The name in the token editor / permission groups, e.g. "Zone Settings Read". */
  name: string;
  scope: PermissionScope;
  /** What the diagnosis reads with it. */
  reads: string;
  /** What the diagnosis loses without it, for the doctor table and the auth finding. */
  without: string;
  /**
   * The Cloudflare check cannot do its job without it (the zone, its records, its SSL mode): the
   * doctor fails. Every other permission only narrows the diagnosis: the doctor warns.
   */
  core?: true;
}

export const PERMISSIONS = {
  zone: {
    name: 'Zone Read',
    scope: 'zone',
    core: true,
    reads: 'the zone (status, plan, account)',
    without: 'every Cloudflare check: the zone cannot be found',
  },
  dns: {
    name: 'DNS Read',
    scope: 'zone',
    core: true,
    reads: "the host's DNS records",
    without: 'the origin address, proxied/DNS-only, tunnel and Worker placeholder detection',
  },
  zoneSettings: {
    name: 'Zone Settings Read',
    scope: 'zone',
    core: true,
    reads: 'the SSL/TLS mode and origin-facing zone settings',
    without:
      'the SSL/TLS mode: the origin probe tries both 80 and 443 and cannot tell Flexible from Full (strict)',
  },
  loadBalancers: {
    name: 'Load Balancers Read',
    scope: 'zone',
    reads: 'load balancers named after the host',
    without: 'load balancer detection: a load-balanced host may be judged by its DNS record instead',
  },
  pools: {
    name: 'Load Balancing: Monitors and Pools Read',
    scope: 'account',
    reads: 'load balancer pools, their health by region, and their monitors',
    without: 'pool health: a load balancer with dead pools cannot be explained',
  },
  tunnel: {
    name: 'Cloudflare Tunnel Read',
    scope: 'account',
    reads: 'Cloudflare Tunnel status, connectors and remote ingress rules',
    without: 'tunnel status: a 1033 or tunnel 502 cannot be explained',
  },
  workersRoutes: {
    name: 'Workers Routes Read',
    scope: 'zone',
    reads: 'the Workers routes of the zone',
    without: 'Worker detection: a host served by a Worker is judged as an unreachable origin',
  },
  workersScripts: {
    name: 'Workers Scripts Read',
    scope: 'account',
    reads: "the account's Workers Custom Domains (hostnames a Worker serves as their origin)",
    without:
      'Custom Domain detection: a host attached to a Worker as a Custom Domain may be judged as a missing record or an unreachable placeholder',
  },
  accountSettings: {
    name: 'Account Settings Read',
    scope: 'account',
    reads: "the account's audit log (what changed recently)",
    without: 'recent changes: a change that triggered the errors cannot be pointed at',
  },
  originRules: {
    name: 'Origin Read',
    scope: 'zone',
    reads: "the zone's Origin Rules (Host header, SNI, DNS record and port overrides)",
    without:
      'Origin Rules: the origin probe connects to the default port and host, which may not be where Cloudflare goes',
  },
  configRules: {
    name: 'Config Settings Read',
    scope: 'zone',
    reads: "the zone's Configuration Rules (the SSL/TLS mode per host or path)",
    without: "per-host SSL modes: the probe uses the zone's mode, which a Configuration Rule may override",
  },
  cacheRules: {
    name: 'Cache Settings Read',
    scope: 'zone',
    reads: "the zone's Cache Rules, for a proxy read timeout set per host or path (Enterprise)",
    without: "a per-path proxy read timeout: slow origins are judged against the zone's timeout",
  },
  sslCertificates: {
    name: 'SSL and Certificates Read',
    scope: 'zone',
    reads:
      'Authenticated Origin Pulls (zone-level and per-hostname), read only when an origin asks for a client certificate',
    without: 'whether Cloudflare presents a client certificate to an origin that demands one',
  },
  analytics: {
    name: 'Analytics Read',
    scope: 'zone',
    reads: 'recent edge 5xx analytics (GraphQL)',
    without: 'the recent 5xx share and its split by origin status',
  },
} as const satisfies Record<string, CfPermission>;

export type PermissionKey = keyof typeof PERMISSIONS;

/** "Zone Read, DNS Read, …" — every permission the diagnosis uses, zone ones first. */
export function permissionList(): string {
  const all = Object.values(PERMISSIONS) as CfPermission[];
  const zone = all.filter((p) => p.scope === 'zone').map((p) => p.name);
  const account = all.filter((p) => p.scope === 'account').map((p) => p.name);
  return `zone permissions ${zone.join(', ')}; account permissions ${account.join(', ')}`;
}

/** The same permission by its exact name, when a finding's evidence carries only the name. */
export function permissionNamed(name: string): CfPermission | undefined {
  return (Object.values(PERMISSIONS) as CfPermission[]).find((p) => p.name === name);
}
