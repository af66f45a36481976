// Which origin connections the sampling checks repeat: the ones Cloudflare itself makes in this SSL
// mode (both ports when the mode is unknown), to the first origin candidate only — sampling every
// pool member of a load balancer would multiply the connections for little more evidence.
import type { CheckContext } from '../../check.js';
import type { OriginCandidate } from '../../facts.js';
import type { OriginProbeRequest } from '../../ports.js';
import { type OriginPorts, parseOriginOption, planProbes } from '../origin/plan.js';

export function sampledEndpoints(ctx: CheckContext, ports: OriginPorts): OriginProbeRequest[] {
  const candidate = firstCandidate(ctx);
  if (!candidate) return [];
  const mode = ctx.facts.cloudflare?.sslMode;
  return planProbes([candidate], ctx.target, mode, ports)
    .filter((plan) => plan.role === 'main')
    .map((plan) => ({
      host: ctx.target.host,
      address: candidate.address,
      port: plan.port,
      tls: plan.tls,
      path: ctx.target.path,
    }));
}

function firstCandidate(ctx: CheckContext): OriginCandidate | undefined {
  const override = ctx.options.origin?.trim();
  if (override) return parseOriginOption(override);
  return ctx.facts.cloudflare?.origins[0];
}

export function endpointLabel(request: OriginProbeRequest, resolved?: string): string {
  return `${resolved ?? request.address}:${request.port} (${request.tls ? 'https' : 'http'})`;
}
