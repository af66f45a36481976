// A healthy tunnel while the edge reports 502: cloudflared is connected to Cloudflare but cannot
// reach (or understand) the ingress service it forwards to. Quote that service.

import type { EvidenceOf } from '../evidence.js';
import { finding } from '../finding.js';
import { annotate, edgeLabel, edgeShows, has } from './evidence.js';
import type { Rule } from './rule.js';

export const tunnelServiceRule: Rule = {
  name: 'healthy-tunnel-with-502',
  apply(input) {
    const tunnel = input.facts.cloudflare?.tunnel;
    if (!tunnel || tunnel.activeConnections === 0) return undefined;
    if (tunnel.status !== 'healthy' && tunnel.status !== 'degraded') return undefined;
    if (has(input.findings, 'tunnel.no_ingress_rule')) return undefined;
    if (!edgeShows(input, 502) || has(input.findings, 'tunnel.service_unreachable')) return undefined;
    const edge = input.facts.edge;
    const service = tunnel.service;
    const evidence: EvidenceOf<'tunnel.service_unreachable'> = {
      tunnelId: tunnel.id,
      tunnelName: tunnel.name,
      status: tunnel.status,
      activeConnections: tunnel.activeConnections,
      edgeStatus: edge?.status,
      service: service ?? 'unknown (locally managed configuration)',
    };
    if (edge?.rayId) evidence.rayId = edge.rayId;
    const blamesCloudflare = edge?.blames === 'cloudflare';
    const added = finding({
      code: 'tunnel.service_unreachable',
      severity: 'error',
      title: service
        ? `cloudflared cannot reach ${service}`
        : `cloudflared cannot reach the service behind tunnel ${tunnel.name}`,
      detail: `Tunnel ${tunnel.name} is ${tunnel.status} with ${tunnel.activeConnections} connections, yet the edge answered ${edgeLabel(input)}: the connector reaches Cloudflare but not the ingress service${service ? ` ${service}` : ' (its configuration is local, so the bot cannot see which)'} — it is down, listens on another port, or speaks HTTPS where http:// is configured (or the reverse).${blamesCloudflare ? " The error page blames Cloudflare's side, so a brief edge problem is also possible: run again." : ''}`,
      evidence,
    });
    const findings = annotate(
      [...input.findings, added],
      'edge.error',
      'Explained by cloudflared failing to reach its ingress service.',
    );
    return { findings, cause: 'tunnel.service_unreachable' };
  },
};
