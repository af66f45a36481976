// The Cloudflare check's evidence, per finding code (joined in diagnosis/evidence.ts): failed API
// reads, the zone, its DNS records, the SSL/TLS settings, Workers and Origin/Configuration Rules.
// Load balancers and tunnels have their own files (lb-evidence.ts, tunnel-evidence.ts).
import type { CloudflareApiError } from '../../cloudflare-api-error.js';
import type { AppliedRule, OriginRoute, SslMode } from '../../facts.js';

/** A read that failed (api-finding.ts): which read, why, and what the token lacks. */
export type ApiErrorEvidence = {
  /** What was being read ("DNS records"); `unknown` for an error that is not the API's. */
  operation: string;
  reason: string;
  status?: number;
  codes?: number[];
  tokenRejected?: true;
  malformed?: true;
  permission?: string;
  permissionScope?: NonNullable<CloudflareApiError['permissionScope']>;
  retryAfterSeconds?: number;
};

/** A record as the findings quote it. */
export type RecordEvidence = { type: string; content: string; proxied: boolean };

/** Why a wildcard that exists does not answer for the host (wildcard-lookup.ts), when one does not. */
export type WildcardMissEvidence =
  | { wildcard: string; wildcardBlockedBy: string; blockingTypes: string[] }
  | { wildcard: string; wildcardBlockedBy: string; emptyNonTerminal: true; below: string | undefined }
  | { wildcard: string; wildcardTypes: string[] }
  | { wildcard?: never };

export type ZoneEvidence = {
  zone: string;
  zoneId: string;
  /** Guarded fixes on load balancer pools address the account (src/fixes/plan-fixes.ts). */
  accountId?: string;
  /** active | pending | initializing | moved (the API's words). */
  status: string;
  paused: boolean;
  type?: string;
  nameServers: string[];
};

export type WorkerRouteEvidence = {
  host: string;
  path?: string;
  /** The route pattern, or `<host> (Custom Domain)`. */
  pattern?: string;
  script?: string;
  customDomain?: true;
  environment?: string;
  /** The placeholder record (`AAAA 100::`) the Worker serves. */
  placeholder?: string;
  /** Reads that failed, so which Worker serves the placeholder is unknown. */
  unread?: string[];
};

type RuleEvidence = Pick<AppliedRule, 'expression' | 'changes'> & {
  ruleId: string;
  description: string | null;
};

export interface CloudflareEvidence {
  'cloudflare.not_configured': Record<never, never>;
  'cloudflare.auth_failed':
    | ApiErrorEvidence
    // Origin and Configuration Rules unreadable (origin-route.ts): said, not alarmed.
    | { operation: string; permission: string | null; status: number | null };
  'cloudflare.api_unavailable': ApiErrorEvidence;
  'cloudflare.rate_limited': ApiErrorEvidence;
  'cloudflare.not_entitled': ApiErrorEvidence;
  'cloudflare.budget_spent': ApiErrorEvidence | { operation: string; callsLeft: number };
  'analytics.unavailable': ApiErrorEvidence;
  'cloudflare.zone_not_found': { host: string };
  'cloudflare.zone_inactive': ZoneEvidence;
  'cloudflare.zone_ok': ZoneEvidence;
  'dns.record_missing': { host: string; zone: string; otherTypes: string[] } & WildcardMissEvidence;
  'dns.record_ok': {
    host: string;
    records: RecordEvidence[];
    wildcard?: string;
    matchedName?: string;
  };
  'dns.not_proxied': { host: string; records: RecordEvidence[]; wildcard?: string };
  'ssl.mode': {
    mode: SslMode | string;
    minTlsVersion?: string;
    originMaxHttpVersion?: string;
    alwaysUseHttps?: string;
    originErrorPagePassThru?: string;
    sslAutomaticMode?: string;
  };
  'worker.route': WorkerRouteEvidence;
  /** Added by the worker-error rule: the edge's 11xx (or Worker-only) code, and the Worker. */
  'worker.error': {
    code: number;
    meaning: string;
    status: number | null;
    script?: string;
    pattern?: string;
    rayId?: string;
  };
  'origin.rule_applied':
    | (RuleEvidence & {
        phase: string;
        hostHeader: string | null;
        sni: string | null;
        resolveHost: string | null;
        port: number | null;
        sslMode: NonNullable<OriginRoute['sslMode']> | null;
        readTimeoutS?: number | null;
      })
    | { rules: RuleEvidence[] };
}
