// What the fake Cloudflare API (server.ts) answers from: the scenario a test builds (zones, records,
// settings, load balancing, tunnels, rulesets, audit logs, analytics, the token and its permissions),
// the faults it injects, the tokens of the tests, and an empty scenario to start from.
// Sources of each shape are noted beside it.

import type { AnalyticsScenario } from '../graphql-analytics.js';

export interface FakeZone {
  id: string;
  name: string;
  status?: string;
  paused?: boolean;
  accountId?: string;
  /** `plan.name` as the API answers it (default "Free Website"). */
  plan?: string;
  /** Assigned nameservers (default two *.ns.cloudflare.com; Foundation DNS: *.foundationdns.com). */
  nameServers?: string[];
  /** full (default) | partial (CNAME setup) | secondary. */
  type?: string;
}

export interface FakeScenario {
  /** Bearer token accepted. A malformed one gets 400/6003, another well-formed one 403/9109. */
  token: string;
  /** The write-scoped fix token: the only one the fake lets write (the read token gets 403/10000). */
  fixToken?: string;
  /** What /user/tokens/verify says of `token` (expired/disabled tokens are refused elsewhere). */
  tokenStatus: 'active' | 'expired' | 'disabled';
  /** Permission names the token holds (PERMISSIONS[*].name); undefined = all of them. */
  permissions?: string[];
  /** Account ids in the token's Account Resources; undefined = all accounts. */
  tokenAccounts?: string[];
  /** Workers routes per zone id ({ id, pattern, script? }). */
  workerRoutes: Record<string, Record<string, unknown>[]>;
  /**
   * Workers Custom Domains per account id, API shape ({ id, hostname, service, environment,
   * zone_id, zone_name, cert_id }: SDK `DomainListResponse`). Cloudflare also creates a proxied
   * `AAAA 100::` record for each (dnscontrol/dnscontrol#2509, cloudflare-docs#29353): scenarios add it.
   */
  workerDomains: Record<string, Record<string, unknown>[]>;
  /** Load balancer monitors per account id (API shape, with id). */
  monitors: Record<string, Record<string, unknown>[]>;
  /**
   * What /configurations answers for a tunnel without a remote configuration: 404 (default) or
   * 200 with `config: null`. Not verified against the live API: both are handled.
   */
  localConfigAnswer: 'not_found' | 'null_config';
  /** The zone's analytics, answered per alias of the query; used when `graphql` is undefined. */
  analytics: AnalyticsScenario;
  zones: FakeZone[];
  /** DNS records per zone id ({ type, name, content, proxied, ttl? }). */
  records: Record<string, Record<string, unknown>[]>;
  /** Zone settings per zone id: setting id → value. */
  settings: Record<string, Record<string, unknown>>;
  /** Load balancers per zone id (API shape). */
  loadBalancers: Record<string, Record<string, unknown>[]>;
  /** Pools per account id (API shape). */
  pools: Record<string, Record<string, unknown>[]>;
  /** Pool health per pool id (API shape: pop_health keyed by region, then origin address). */
  poolHealth: Record<string, unknown>;
  /** Tunnels by id (API shape), their connectors, their remote configuration. */
  tunnels: Record<string, Record<string, unknown>>;
  tunnelConnections: Record<string, unknown[]>;
  tunnelConfigurations: Record<string, unknown>;
  ips: { ipv4_cidrs: string[]; ipv6_cidrs: string[] };
  /**
   * Rulesets per zone id, each a whole ruleset as `GET /zones/{id}/rulesets/{ruleset}` returns it
   * ({ id, name, kind, phase, version, last_updated, rules[] }); the list call leaves `rules` out.
   */
  rulesets: Record<string, Record<string, unknown>[]>;
  /** Zone-level Authenticated Origin Pulls per zone id (`{ enabled }`). */
  originPull: Record<string, { enabled: boolean }>;
  /** Per-hostname AOP associations per zone id, keyed by hostname (API shape; absent → 404). */
  originPullHostnames: Record<string, Record<string, Record<string, unknown>>>;
  /** Audit-log entries (v1 shape, test/fakes/audit-log-entries.ts) per account id, any order. */
  auditLogs: Record<string, Record<string, unknown>[]>;
  /** A fixed GraphQL answer body (data and/or errors), instead of answering from `analytics`. */
  graphql?: unknown;
  /** Largest page the fake serves, to force pagination. */
  maxPerPage: number;
  /** Injected failures, checked in order before routing. */
  faults: Fault[];
}

export interface Fault {
  /** Matches `METHOD /path` (path without the /client/v4 prefix), e.g. /GET \/zones$/. */
  match: RegExp;
  status?: number;
  headers?: Record<string, string>;
  /** Envelope errors for the body (defaults from the status). */
  errors?: { code: number; message: string }[];
  /** Raw body instead of an envelope. */
  rawBody?: string;
  /** Delay before answering (ms). With no status, the normal answer follows the delay. */
  delayMs?: number;
  /** How many requests this fault applies to (default: all). */
  times?: number;
}

/** API tokens are 40 characters of [A-Za-z0-9_-]; anything else is malformed to the API. */
export const FAKE_TOKEN = 'Fk3_test-token-0123456789abcdefABCDEFghi';
/** CLOUDFLARE_FIX_TOKEN of the tests: a separate, well-formed token. */
export const FAKE_FIX_TOKEN = 'Fix_test-token-0123456789abcdefABCDEFgh0';
/** A well-formed token the fake does not know (revoked, or from another user). */
export const UNKNOWN_TOKEN = 'Unknown0token-0123456789abcdefABCDEFghij';
/** A Global API Key (37 hex characters) pasted as a token. */
export const GLOBAL_KEY = '0123456789abcdef0123456789abcdef01234';

/** Every field the Free plan's httpRequestsAdaptiveGroups offers that check502 uses. */
export const ADAPTIVE_FIELDS = [
  'count',
  'dimensions_edgeResponseStatus',
  'dimensions_originResponseStatus',
  'dimensions_clientRequestHTTPHost',
  'dimensions_clientRequestPath',
  'dimensions_coloCode',
  'dimensions_datetimeMinute',
  'dimensions_datetimeFiveMinutes',
  'edgeResponseStatus',
  'originResponseStatus',
  'clientRequestHTTPHost',
];

export function emptyScenario(): FakeScenario {
  return {
    token: FAKE_TOKEN,
    fixToken: FAKE_FIX_TOKEN,
    tokenStatus: 'active',
    workerRoutes: {},
    workerDomains: {},
    monitors: {},
    localConfigAnswer: 'not_found',
    analytics: {
      requests: 0,
      errors: [],
      enabled: true,
      availableFields: [...ADAPTIVE_FIELDS],
      // Free-plan-like limits (seconds): a day per query, 8 days back.
      maxDuration: 86_400,
      notOlderThan: 691_200,
      deniedStatus: 200,
    },
    zones: [],
    records: {},
    settings: {},
    loadBalancers: {},
    pools: {},
    poolHealth: {},
    tunnels: {},
    tunnelConnections: {},
    tunnelConfigurations: {},
    auditLogs: {},
    rulesets: {},
    originPull: {},
    originPullHostnames: {},
    ips: { ipv4_cidrs: ['173.245.48.0/20', '104.16.0.0/13'], ipv6_cidrs: ['2400:cb00::/32'] },
    maxPerPage: 100,
    faults: [],
  };
}
