// Cloudflare Tunnel (cloudflared): status, connectors, and the remote-managed ingress rules.
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { CfIngressRule, CfTunnel, CfTunnelConnector } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { arr, obj, str } from './read-json.js';

const OP = { name: 'Cloudflare Tunnel', permission: PERMISSIONS.tunnel };

export async function tunnel(
  api: ApiClient,
  accountId: string,
  id: string,
  signal: AbortSignal,
): Promise<CfTunnel | null> {
  try {
    const raw: unknown = await api.call(OP, signal, (o) =>
      api.sdk.zeroTrust.tunnels.cloudflared.get(id, { account_id: accountId }, o),
    );
    const t = obj(raw);
    if (!t) return null;
    const out: CfTunnel = {
      id: str(t['id']) ?? id,
      name: str(t['name']) ?? id,
      status: str(t['status']) ?? 'unknown',
      deleted: typeof t['deleted_at'] === 'string',
    };
    const source = str(t['config_src']);
    if (source) out.configSource = source;
    const active = str(t['conns_active_at']);
    if (active) out.connsActiveAt = active;
    const inactive = str(t['conns_inactive_at']);
    if (inactive) out.connsInactiveAt = inactive;
    return out;
  } catch (error) {
    if ((error as { kind?: unknown }).kind === 'not_found') return null;
    throw error;
  }
}

export async function tunnelConnections(
  api: ApiClient,
  accountId: string,
  id: string,
  signal: AbortSignal,
): Promise<CfTunnelConnector[]> {
  const page = await api.call(OP, signal, (o) =>
    api.sdk.zeroTrust.tunnels.cloudflared.connections.get(id, { account_id: accountId }, o),
  );
  return (page.getPaginatedItems() as unknown[]).slice(0, 50).flatMap((raw) => {
    const c = obj(raw);
    if (!c) return [];
    const connector: CfTunnelConnector = {
      id: str(c['id']) ?? '?',
      connections: arr(c['conns'])
        .slice(0, 20)
        .flatMap((conn) => {
          const x = obj(conn);
          if (!x) return [];
          const out: CfTunnelConnector['connections'][number] = {};
          const colo = str(x['colo_name']);
          if (colo) out.coloName = colo;
          const ip = str(x['origin_ip']);
          if (ip) out.originIp = ip;
          const opened = str(x['opened_at']);
          if (opened) out.openedAt = opened;
          return [out];
        }),
    };
    const version = str(c['version']);
    if (version) connector.version = version;
    const runAt = str(c['run_at']);
    if (runAt) connector.runAt = runAt;
    return [connector];
  });
}

/**
 * The remote configuration's ingress rules. Only remotely-managed tunnels (`config_src:
 * cloudflare`) have one; callers skip this read for `config_src: local`. A 404, or an answer with
 * `config: null`, means there is no remote configuration: null, not an error.
 */
export async function tunnelIngress(
  api: ApiClient,
  accountId: string,
  id: string,
  signal: AbortSignal,
): Promise<CfIngressRule[] | null> {
  let raw: unknown;
  try {
    raw = await api.call(OP, signal, (o) =>
      api.sdk.zeroTrust.tunnels.cloudflared.configurations.get(id, { account_id: accountId }, o),
    );
  } catch (error) {
    if ((error as { kind?: unknown }).kind === 'not_found') return null;
    throw error;
  }
  const ingress = obj(obj(raw)?.['config'])?.['ingress'];
  if (!Array.isArray(ingress)) return null;
  return ingress.slice(0, 200).flatMap((rule) => {
    const r = obj(rule);
    const service = str(r?.['service']);
    if (!r || !service) return [];
    const out: CfIngressRule = { service };
    const hostname = str(r['hostname']);
    if (hostname) out.hostname = hostname;
    const path = str(r['path']);
    if (path) out.path = path;
    return [out];
  });
}
