// A CNAME to <uuid>.cfargotunnel.com routes the host through a Cloudflare Tunnel: its status, its
// connectors, and (when remote-managed) the ingress rule for this host and the service it points at.
import type {
  CfIngressRule,
  CfTunnel,
  CfTunnelConnector,
  CloudflareReader,
} from '../../cloudflare-reader.js';
import type { CloudflareFacts } from '../../facts.js';
import { type Finding, finding } from '../../finding.js';
import { apiFinding } from './api-finding.js';
import type { TunnelEvidence } from './tunnel-evidence.js';

export interface TunnelOutcome {
  findings: Finding[];
  tunnel?: NonNullable<CloudflareFacts['tunnel']>;
}

export async function readTunnel(
  cf: CloudflareReader,
  host: string,
  accountId: string | undefined,
  id: string,
  signal: AbortSignal,
): Promise<TunnelOutcome> {
  if (!accountId) return { findings: [] };
  const [tunnel, connectors] = await Promise.all([
    cf.tunnel(accountId, id, signal).catch((e: unknown) => asError(e)),
    cf.tunnelConnections(accountId, id, signal).catch((e: unknown) => asError(e)),
  ]);
  // A locally-managed tunnel (config_src "local") has no remote configuration: its ingress rules
  // live in config.yml on the connector host, so the call is skipped (it would answer 404).
  const remote =
    !(tunnel instanceof Error) && tunnel !== null && !tunnel.deleted && tunnel.configSource !== 'local';
  const ingress = remote
    ? await cf.tunnelIngress(accountId, id, signal).catch((e: unknown) => asError(e))
    : null;
  const findings: Finding[] = [];
  for (const r of [tunnel, connectors, ingress]) if (r instanceof Error) findings.push(apiFinding(r));
  if (tunnel instanceof Error) return { findings };
  if (tunnel === null || tunnel.deleted) {
    findings.push(
      finding({
        code: 'tunnel.down',
        severity: 'error',
        title: `${host} points at a tunnel that does not exist`,
        detail: `The CNAME targets ${id}.cfargotunnel.com, but no such tunnel exists in the zone's account (deleted, or in another account). Cloudflare answers 530 / error 1033.`,
        evidence: {
          host,
          tunnelId: id,
          status: tunnel?.deleted ? 'deleted' : 'not_found',
          activeConnections: 0,
        },
      }),
    );
    return { findings, tunnel: { id, name: id, status: 'not_found', activeConnections: 0 } };
  }
  const list = connectors instanceof Error ? undefined : connectors;
  const active = list ? list.reduce((n, c) => n + c.connections.length, 0) : undefined;
  const rule = ingress instanceof Error || ingress === null ? undefined : matchIngress(ingress, host);
  const facts: NonNullable<CloudflareFacts['tunnel']> = {
    id: tunnel.id,
    name: tunnel.name,
    status: tunnel.status,
    activeConnections: active ?? 0,
  };
  if (rule?.service) facts.service = rule.service;
  const evidence = evidenceOf(host, tunnel, list, active, ingress, rule);
  findings.push(statusFinding(host, tunnel, list, active, evidence));
  const listed = Array.isArray(ingress);
  if (listed && (!rule || rule.hostname === undefined || rule.service.startsWith('http_status:'))) {
    findings.push(
      finding({
        code: 'tunnel.no_ingress_rule',
        severity: 'error',
        title: `Tunnel ${tunnel.name} has no ingress rule for ${host}`,
        detail: `No ingress rule of the tunnel's remote configuration matches ${host}; ${rule ? `the request falls to the catch-all "${rule.service}", so cloudflared answers that` : 'cloudflared has nothing to route it to'} instead of forwarding to a service.`,
        evidence,
      }),
    );
  }
  return { findings, tunnel: facts };
}

function statusFinding(
  host: string,
  tunnel: CfTunnel,
  connectors: CfTunnelConnector[] | undefined,
  active: number | undefined,
  evidence: TunnelEvidence,
): Finding {
  const name = tunnel.name;
  if (tunnel.status === 'down' || tunnel.status === 'inactive' || (connectors && active === 0)) {
    const why =
      tunnel.status === 'inactive'
        ? 'has never had a connector running'
        : `has no connector running${tunnel.connsInactiveAt ? ` since ${tunnel.connsInactiveAt}` : ''}`;
    return finding({
      code: 'tunnel.down',
      severity: 'error',
      title: `Tunnel ${name} is ${tunnel.status === 'healthy' || tunnel.status === 'degraded' ? 'without connections' : tunnel.status}`,
      detail: `${host} routes to Cloudflare Tunnel ${name}, which ${why} (status "${tunnel.status}", ${active ?? 0} active connections). Cloudflare answers 530 / error 1033.`,
      evidence,
    });
  }
  if (tunnel.status === 'degraded') {
    return finding({
      code: 'tunnel.degraded',
      severity: 'warn',
      title: `Tunnel ${name} is degraded`,
      detail: `Tunnel ${name} runs with ${active ?? 'some'} active connection${active === 1 ? '' : 's'} (normally 4 per connector): some edge connections failed, often because outbound UDP/TCP 7844 is filtered. It still serves, with less redundancy.`,
      evidence,
    });
  }
  return finding({
    code: 'tunnel.ok',
    severity: 'ok',
    title: `Tunnel ${name} is ${tunnel.status}`,
    detail: `${active ?? '?'} active connection${active === 1 ? '' : 's'} from ${connectors?.length ?? '?'} connector${connectors?.length === 1 ? '' : 's'}.${evidence.service ? ` Ingress for ${host}: ${evidence.service}.` : ''}${evidence.ingress ? ` The tunnel is ${evidence.ingress} (not visible to the API).` : ''}`,
    evidence,
  });
}

/** cloudflared's rule order: the first rule whose hostname matches (wildcards allowed) wins. */
export function matchIngress(rules: CfIngressRule[], host: string): CfIngressRule | undefined {
  return rules.find((r) => r.hostname === undefined || hostMatches(r.hostname, host));
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (p === host) return true;
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
  return false;
}

function evidenceOf(
  host: string,
  tunnel: CfTunnel,
  connectors: CfTunnelConnector[] | undefined,
  active: number | undefined,
  ingress: CfIngressRule[] | null | Error,
  rule: CfIngressRule | undefined,
): TunnelEvidence {
  const evidence: TunnelEvidence = {
    host,
    tunnelId: tunnel.id,
    tunnelName: tunnel.name,
    status: tunnel.status,
  };
  if (active !== undefined) evidence.activeConnections = active;
  if (connectors) {
    evidence.connectors = connectors.map((c) => ({
      id: c.id,
      version: c.version,
      originIps: [...new Set(c.connections.map((x) => x.originIp).filter((x): x is string => Boolean(x)))],
      colos: c.connections.map((x) => x.coloName).filter((x): x is string => Boolean(x)),
    }));
  }
  if (tunnel.connsInactiveAt) evidence.connsInactiveAt = tunnel.connsInactiveAt;
  if (tunnel.configSource) evidence.configSource = tunnel.configSource;
  if (ingress === null)
    evidence.ingress = "locally managed: the ingress rules live in the connector's config.yml";
  if (rule) {
    evidence.service = rule.service;
    if (rule.hostname) evidence.ingressHostname = rule.hostname;
    if (rule.path) evidence.ingressPath = rule.path;
  }
  return evidence;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
