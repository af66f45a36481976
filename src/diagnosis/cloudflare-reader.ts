// What the core needs to read from the Cloudflare API, in the core's own words (not the SDK's).
// Implemented in src/cloudflare/ with the official SDK; every method takes the check's AbortSignal,
// returns plain data, and fails only with a CloudflareApiError so checks can turn it into a finding.

export interface CfZone {
  id: string;
  name: string;
  /** active | pending | initializing | moved (the API's words). */
  status: string;
  paused: boolean;
  accountId?: string;
  plan?: string;
  nameServers: string[];
}

export interface CfDnsRecord {
  type: string;
  name: string;
  content: string;
  proxied: boolean;
  ttl?: number;
}

/** The zone settings that change how Cloudflare talks to the origin. Missing when unreadable. */
export interface CfZoneSettings {
  ssl?: string;
  minTlsVersion?: string;
  originMaxHttpVersion?: string;
  alwaysUseHttps?: string;
  originErrorPagePassThru?: string;
  sslAutomaticMode?: string;
}

export interface CfLoadBalancer {
  id: string;
  name: string;
  enabled: boolean;
  proxied: boolean;
  defaultPools: string[];
  fallbackPool?: string;
  steeringPolicy?: string;
}

export interface CfPoolOrigin {
  name: string;
  address: string;
  enabled: boolean;
  port?: number;
}

export interface CfPool {
  id: string;
  name: string;
  enabled: boolean;
  minimumOrigins: number;
  monitor?: string;
  origins: CfPoolOrigin[];
}

/** One origin's health as seen from one region. */
export interface CfOriginHealth {
  region: string;
  address: string;
  healthy: boolean;
  failureReason?: string;
  responseCode?: number;
}

export interface CfPoolHealth {
  poolId: string;
  /** Per region: does the pool count as healthy there. */
  regions: { region: string; healthy: boolean }[];
  origins: CfOriginHealth[];
}

export interface CfTunnel {
  id: string;
  name: string;
  /** inactive | degraded | healthy | down */
  status: string;
  configSource?: string;
  connsActiveAt?: string;
  connsInactiveAt?: string;
  deleted: boolean;
}

export interface CfTunnelConnector {
  id: string;
  version?: string;
  runAt?: string;
  connections: { coloName?: string; originIp?: string; openedAt?: string }[];
}

export interface CfIngressRule {
  hostname?: string;
  path?: string;
  service: string;
}

export interface CfIpRanges {
  ipv4: string[];
  ipv6: string[];
}

export interface CfEdgeAnalytics {
  /** All requests for the host in the window (sampled estimate). */
  total: number;
  /** 5xx answered at the edge, by edge status and origin status (0 = no answer from the origin). */
  errors: { edgeStatus: number; originStatus: number; count: number }[];
  /** The first minute in the window with a 5xx (RFC 3339). */
  firstErrorAt?: string;
}

/**
 * One entry of the account's audit log (v1, `GET /accounts/{id}/audit_logs`), as the API wrote it:
 * before/after come from `oldValueJson`/`newValueJson` (objects, e.g. a DNS record) or, for settings,
 * `oldValue`/`newValue` strings and `metadata.value`. Classified by the `changes` check.
 */
export interface CfAuditEntry {
  id: string;
  /** When the action was logged (RFC 3339). */
  when: string;
  /** rec_add | rec_set | rec_del | change_setting | update | create | delete… (the API's words). */
  action: string;
  /** False when the attempted action failed (nothing changed). */
  succeeded: boolean;
  actor?: { email?: string; type?: string; ip?: string };
  /** DNS_record | zone | ruleset | tunnel | load_balancer | pool | monitor | worker_route… */
  resourceType?: string;
  resourceId?: string;
  /** UI | API | '' */
  interface?: string;
  metadata: Record<string, unknown>;
  oldValue?: unknown;
  newValue?: unknown;
}

export interface CloudflareReader {
  /** API requests made so far through this reader (for the report's budget figure). */
  readonly callCount: number;
  /** The zone covering `host` (longest matching suffix the token can see), or null. */
  findZone(host: string, signal: AbortSignal): Promise<CfZone | null>;
  dnsRecords(zoneId: string, host: string, signal: AbortSignal): Promise<CfDnsRecord[]>;
  zoneSettings(zoneId: string, signal: AbortSignal): Promise<CfZoneSettings>;
  /** The load balancer whose hostname is `host`, or null. */
  loadBalancer(zoneId: string, host: string, signal: AbortSignal): Promise<CfLoadBalancer | null>;
  pools(accountId: string, ids: readonly string[], signal: AbortSignal): Promise<CfPool[]>;
  poolHealth(accountId: string, poolId: string, signal: AbortSignal): Promise<CfPoolHealth>;
  /** Null when the tunnel does not exist (deleted or another account). */
  tunnel(accountId: string, id: string, signal: AbortSignal): Promise<CfTunnel | null>;
  tunnelConnections(accountId: string, id: string, signal: AbortSignal): Promise<CfTunnelConnector[]>;
  /** Ingress rules of a remote-managed tunnel; null when the tunnel is configured locally. */
  tunnelIngress(accountId: string, id: string, signal: AbortSignal): Promise<CfIngressRule[] | null>;
  ipRanges(signal: AbortSignal): Promise<CfIpRanges>;
  /** The account's audit log for one zone since `since`, newest first (ONE request, at most 200 entries). */
  auditLog(accountId: string, zoneName: string, since: Date, signal: AbortSignal): Promise<CfAuditEntry[]>;
  edgeAnalytics(
    zoneTag: string,
    host: string,
    since: Date,
    until: Date,
    signal: AbortSignal,
  ): Promise<CfEdgeAnalytics>;
}

export type CloudflareApiErrorKind = 'auth' | 'unavailable' | 'rate_limited' | 'not_found' | 'invalid';

export interface CloudflareApiErrorInit {
  kind: CloudflareApiErrorKind;
  /** What was being read, e.g. "DNS records". */
  operation: string;
  message: string;
  status?: number;
  /** The token permission the call needs, for `auth`. */
  permission?: string;
  /** Seconds the API asked us to wait, for `rate_limited`. */
  retryAfterSeconds?: number;
}

/** The only error a CloudflareReader throws. Messages never carry the token. */
export class CloudflareApiError extends Error {
  readonly kind: CloudflareApiErrorKind;
  readonly operation: string;
  readonly status?: number;
  readonly permission?: string;
  readonly retryAfterSeconds?: number;

  constructor(init: CloudflareApiErrorInit) {
    super(init.message);
    this.name = 'CloudflareApiError';
    this.kind = init.kind;
    this.operation = init.operation;
    if (init.status !== undefined) this.status = init.status;
    if (init.permission !== undefined) this.permission = init.permission;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isCloudflareApiError(error: unknown): error is CloudflareApiError {
  return error instanceof CloudflareApiError;
}
