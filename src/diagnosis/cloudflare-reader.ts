// What the core needs to read from the Cloudflare API, in the core's own words (not the SDK's).
// Implemented in src/cloudflare/ with the official SDK; every method takes the check's AbortSignal,
// returns plain data, and fails only with a CloudflareApiError so checks can turn it into a finding.
import type { CfLoadBalancer, CfMonitor, CfPool, CfPoolHealth } from './cloudflare-lb-types.js';

export interface CfZone {
  id: string;
  name: string;
  /** active | pending | initializing | moved (the API's words). */
  status: string;
  paused: boolean;
  accountId?: string;
  plan?: string;
  nameServers: string[];
  /** full | partial (CNAME setup: DNS stays elsewhere) | secondary; absent when not said. */
  type?: string;
}

export interface CfDnsRecord {
  type: string;
  name: string;
  content: string;
  proxied: boolean;
  ttl?: number;
}

/**
 * The zone settings that change how Cloudflare talks to the origin. Missing when unreadable.
 * `originMaxHttpVersion` and `sslAutomaticMode` are not in the bulk settings answer: they come from
 * their own endpoints (`zoneSetting`), read only when they change what the report says.
 */
export interface CfZoneSettings {
  ssl?: string;
  minTlsVersion?: string;
  originMaxHttpVersion?: string;
  alwaysUseHttps?: string;
  originErrorPagePassThru?: string;
  sslAutomaticMode?: string;
  /** Zone-level Authenticated Origin Pulls as the bulk settings carry it (`tls_client_auth`: on/off). */
  tlsClientAuth?: string;
  /** Seconds Cloudflare waits for the origin's first byte before 524 (`proxy_read_timeout`). */
  proxyReadTimeout?: string;
}

/**
 * One rule of a zone's Origin Rules (`http_request_origin`, action `route`) or Configuration Rules
 * (`http_config_settings`, action `set_config`) entry point, with the parameters that change how
 * Cloudflare reaches the origin.
 */
export interface CfRule {
  id: string;
  description?: string;
  expression: string;
  enabled: boolean;
  action: string;
  /** Origin Rules: Host header override. */
  hostHeader?: string;
  /** Origin Rules: SNI override. */
  sni?: string;
  /** Origin Rules: DNS record (resolve) override. */
  originHost?: string;
  /** Origin Rules: destination port override. */
  originPort?: number;
  /** Configuration Rules: SSL/TLS mode for matching requests. */
  ssl?: string;
  /** Cache Rules (`set_cache_settings`): proxy read timeout in seconds (`read_timeout`). */
  readTimeoutS?: number;
}

export interface CfOriginRulesets {
  /** Rules of the `http_request_origin` entry point, in execution order ([] when there is none). */
  origin: CfRule[];
  /** Rules of the `http_config_settings` entry point, in execution order. */
  config: CfRule[];
  /** Rules of the `http_request_cache_settings` entry point, when asked for. */
  cache?: CfRule[];
}

/** Authenticated Origin Pulls as Cloudflare will apply it to this host. */
export interface CfOriginPullSettings {
  /** Zone-level AOP (`/origin_tls_client_auth/settings`). */
  zoneEnabled?: boolean;
  /** Per-hostname AOP for this host: true/false, null when the association was invalidated, undefined when none. */
  hostnameEnabled?: boolean | null;
  /** Status of the per-hostname certificate (active, pending_deployment…). */
  hostnameCertStatus?: string;
}

/** Settings that live only at `/zones/{id}/settings/{id}`. */
export type SingleSettingId = 'ssl_automatic_mode' | 'origin_max_http_version';

/** A Workers route: `pattern` is `host/path` with an optional leading `*` on the host and trailing `*`. */
export interface CfWorkerRoute {
  pattern: string;
  /** Absent on a route that disables Workers for the pattern. */
  script?: string;
}

/** A Workers Custom Domain: `hostname` is served by the Worker `service` as its origin. */
export interface CfWorkerDomain {
  hostname: string;
  service: string;
  environment?: string;
  zoneName?: string;
}

/** `GET /user/tokens/verify`: whether the token itself is valid, whatever it may read. */
export interface CfTokenStatus {
  id?: string;
  /** active | disabled | expired */
  status: string;
  expiresOn?: string;
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
  /** The plan's limits narrowed the query (shorter window, no origin status): what and why. */
  limited?: { windowMinutes?: number; originStatus?: false; reason: string };
  /** All requests and 5xx per 5 minutes, oldest first (`start` RFC 3339); absent when not offered. */
  buckets?: { start: string; total: number; errors5xx: number }[];
  /** The top paths and colos among the 5xx, with their share of all requests when among the top 10. */
  paths?: CfAnalyticsSlice[];
  colos?: CfAnalyticsSlice[];
}

export interface CfAnalyticsSlice {
  value: string;
  errors5xx: number;
  /** All requests for this path or colo; absent when it is not among the busiest ten. */
  requests?: number;
  /** The smallest request count among the busiest ten (a slice not listed has fewer). */
  belowRequests?: number;
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
  /** Requests this reader may still make within the per-diagnosis budget. */
  readonly callsLeft: number;
  /** The zone covering `host` (longest matching suffix the token can see), or null. */
  findZone(host: string, signal: AbortSignal): Promise<CfZone | null>;
  dnsRecords(zoneId: string, host: string, signal: AbortSignal): Promise<CfDnsRecord[]>;
  /** Wildcard records (`*.parent`) that could answer for `host`, the most specific name first. */
  wildcardRecords(zoneId: string, host: string, signal: AbortSignal): Promise<CfDnsRecord[]>;
  /** Every record named `name` or below it (`x.name`, `*.y.name`…): what exists under a name. */
  recordsUnder(zoneId: string, name: string, signal: AbortSignal): Promise<CfDnsRecord[]>;
  zoneSettings(zoneId: string, signal: AbortSignal): Promise<CfZoneSettings>;
  /** One setting from its own endpoint; undefined when the zone has no such setting. */
  zoneSetting(zoneId: string, id: SingleSettingId, signal: AbortSignal): Promise<string | undefined>;
  workerRoutes(zoneId: string, signal: AbortSignal): Promise<CfWorkerRoute[]>;
  /** The account's Workers Custom Domains named `hostname` (one call, filtered by the API). */
  workerDomains(accountId: string, hostname: string, signal: AbortSignal): Promise<CfWorkerDomain[]>;
  /** The load balancer whose hostname is `host`, or null. */
  loadBalancer(zoneId: string, host: string, signal: AbortSignal): Promise<CfLoadBalancer | null>;
  pools(accountId: string, ids: readonly string[], signal: AbortSignal): Promise<CfPool[]>;
  poolHealth(accountId: string, poolId: string, signal: AbortSignal): Promise<CfPoolHealth>;
  monitor(accountId: string, id: string, signal: AbortSignal): Promise<CfMonitor | null>;
  /** Null when the tunnel does not exist (deleted or another account). */
  tunnel(accountId: string, id: string, signal: AbortSignal): Promise<CfTunnel | null>;
  tunnelConnections(accountId: string, id: string, signal: AbortSignal): Promise<CfTunnelConnector[]>;
  /** Ingress rules of a remote-managed tunnel; null when the tunnel is configured locally. */
  tunnelIngress(accountId: string, id: string, signal: AbortSignal): Promise<CfIngressRule[] | null>;
  ipRanges(signal: AbortSignal): Promise<CfIpRanges>;
  verifyToken(signal: AbortSignal): Promise<CfTokenStatus>;
  /**
   * The zone's Origin Rules and Configuration Rules: one list call, then the entry points that
   * exist (most zones have neither, so this is usually one request).
   */
  originRulesets(
    zoneId: string,
    signal: AbortSignal,
    /** Also read the Cache Rules entry point (its `read_timeout` changes when Cloudflare shows 524). */
    options?: { cacheRules?: boolean },
  ): Promise<CfOriginRulesets>;
  /** Zone-level and per-hostname Authenticated Origin Pulls for `host` (read only when an origin asks for a certificate). */
  originPullSettings(
    zoneId: string,
    host: string,
    signal: AbortSignal,
    /** Zone-level AOP when already known (the bulk settings' `tls_client_auth`): saves that call. */
    zoneEnabled?: boolean,
  ): Promise<CfOriginPullSettings>;
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
