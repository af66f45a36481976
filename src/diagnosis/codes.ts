// The catalogue of finding codes. Codes are public contract (product.md): add, never rename.
export const FINDING_CODES = [
  // engine
  'check.errored',
  'check.timed_out',
  // cloudflare API
  'cloudflare.not_configured',
  'cloudflare.auth_failed',
  'cloudflare.api_unavailable',
  'cloudflare.rate_limited',
  'cloudflare.zone_not_found',
  'cloudflare.zone_inactive',
  'cloudflare.zone_ok',
  'cloudflare.not_entitled',
  'cloudflare.budget_spent',
  // DNS (zone records and public resolution)
  'dns.record_missing',
  'dns.record_ok',
  'dns.not_proxied',
  'dns.origin_private_address',
  'dns.public_not_cloudflare',
  'dns.public_ok',
  'dns.public_resolution_failed',
  'dns.public_private_address',
  // SSL/TLS settings
  'ssl.mode',
  'ssl.automatic',
  'ssl.origin_no_https',
  'ssl.flexible_redirect_loop',
  // edge
  'edge.ok',
  'edge.error',
  'edge.unreachable',
  'edge.not_probed',
  'edge.sampled',
  'edge.intermittent',
  'edge.cached_error',
  // origin, probed directly
  'origin.ok',
  'origin.not_specified',
  'origin.resolution_failed',
  'origin.connection_refused',
  'origin.connect_timeout',
  'origin.unreachable',
  'origin.connection_reset',
  'origin.tls_handshake_failed',
  'origin.tls_cert_expired',
  'origin.tls_cert_untrusted',
  'origin.tls_cert_hostname_mismatch',
  'origin.tls_cert_expiring',
  'origin.tls_ok',
  'origin.invalid_response',
  'origin.response_timeout',
  'origin.http_5xx',
  'origin.headers_too_large',
  'origin.blocks_cloudflare',
  'origin.max_http_version',
  // origin, sampled (several requests, fresh and kept-alive connections)
  'origin.sampled',
  'origin.intermittent',
  'origin.slow',
  'origin.keepalive_ok',
  'origin.keepalive_disabled',
  'origin.keepalive_closed_early',
  'origin.rule_applied',
  'origin.requires_client_cert',
  'origin.http2_broken',
  // tunnels
  'tunnel.ok',
  'tunnel.down',
  'tunnel.degraded',
  'tunnel.service_unreachable',
  'tunnel.no_ingress_rule',
  // load balancing
  'lb.ok',
  'lb.pool_unhealthy',
  'lb.no_healthy_pool',
  'lb.fallback_serving',
  // Workers
  'worker.route',
  'worker.error',
  // analytics
  'analytics.edge_5xx',
  'analytics.ok',
  'analytics.unavailable',
  // recent changes (audit log)
  'change.recent',
  'change.suspect',
  'change.unavailable',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

const known: ReadonlySet<string> = new Set(FINDING_CODES);
export function isFindingCode(value: string): value is FindingCode {
  return known.has(value);
}
