// Load balancers as the core reads them (src/cloudflare/lb-reads.ts fills them): the balancer, its
// steering rules, pools and their origins, monitors, and pool health by region.

export interface CfLoadBalancer {
  id: string;
  name: string;
  enabled: boolean;
  proxied: boolean;
  defaultPools: string[];
  fallbackPool?: string;
  steeringPolicy?: string;
  /** Pools by Cloudflare region code (WNAM, EEU…), by PoP (IATA), by country (ISO code). */
  regionPools?: Record<string, string[]>;
  popPools?: Record<string, string[]>;
  countryPools?: Record<string, string[]>;
  /** Custom rules that may send this visitor elsewhere (their overrides' pools). */
  rules?: CfLbRule[];
  /**
   * The pool set (`pool_sets`, first match wins) that matches every request: its pools replaced
   * the default pools above. Pool sets limited to regions, countries or PoPs are in `rules`.
   */
  poolSet?: string;
}

export interface CfLbRule {
  name: string;
  condition?: string;
  disabled: boolean;
  /** Pools named by the rule's overrides (default, fallback, region/pop/country). */
  pools: string[];
  /** The rule answers by itself (fixed_response) instead of using pools. */
  fixedResponse?: number;
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
  /** Regions that health-check the pool (null/absent: all of them). */
  checkRegions?: string[];
}

/** A load balancer monitor: what the health check asks and expects. */
export interface CfMonitor {
  id: string;
  type: string;
  method?: string;
  path?: string;
  port?: number;
  expectedCodes?: string;
  expectedBody?: string;
  /** The Host header it sends, when set. */
  host?: string;
  timeoutSeconds?: number;
  intervalSeconds?: number;
  followRedirects?: boolean;
  allowInsecure?: boolean;
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
