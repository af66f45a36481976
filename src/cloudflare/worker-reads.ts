// Workers routes of a zone (`GET /zones/{id}/workers/routes`, one unpaged list of
// `{id, pattern, script?}`; SDK `RouteListResponse`). A route without a script disables Workers
// for its pattern.
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { CfWorkerDomain, CfWorkerRoute } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { obj, str } from './read-json.js';

const OP = { name: 'Workers routes', permission: PERMISSIONS.workersRoutes };
const DOMAINS_OP = { name: 'Workers Custom Domains', permission: PERMISSIONS.workersScripts };

export async function workerRoutes(
  api: ApiClient,
  zoneId: string,
  signal: AbortSignal,
): Promise<CfWorkerRoute[]> {
  const page = await api.call(OP, signal, (o) => api.sdk.workers.routes.list({ zone_id: zoneId }, o));
  return (page.getPaginatedItems() as unknown[]).slice(0, 500).flatMap((item) => {
    const r = obj(item);
    const pattern = str(r?.['pattern']);
    if (!r || !pattern) return [];
    const route: CfWorkerRoute = { pattern };
    const script = str(r['script']);
    if (script) route.script = script;
    return [route];
  });
}

/**
 * Workers Custom Domains for one hostname: `GET /accounts/{id}/workers/domains?hostname=…`
 * (SDK `workers.domains.list`, `DomainListResponse` {id, hostname, service, environment, zone_id,
 * zone_name, cert_id}; one unpaged list; accepted permissions "Workers Scripts Read" or Write,
 * account-scoped: developers.cloudflare.com/api/…/workers/subresources/domains/methods/list).
 */
export async function workerDomains(
  api: ApiClient,
  accountId: string,
  hostname: string,
  signal: AbortSignal,
): Promise<CfWorkerDomain[]> {
  const page = await api.call(DOMAINS_OP, signal, (o) =>
    api.sdk.workers.domains.list({ account_id: accountId, hostname }, o),
  );
  const wanted = hostname.toLowerCase();
  return (page.getPaginatedItems() as unknown[]).slice(0, 100).flatMap((item) => {
    const d = obj(item);
    const name = str(d?.['hostname']);
    const service = str(d?.['service']);
    // Filtered again here: a server that ignores the filter must not lend another host's Worker.
    if (!d || !name || !service || name.toLowerCase() !== wanted) return [];
    const domain: CfWorkerDomain = { hostname: name, service };
    const environment = str(d['environment']);
    if (environment) domain.environment = environment;
    const zoneName = str(d['zone_name']);
    if (zoneName) domain.zoneName = zoneName;
    return [domain];
  });
}
