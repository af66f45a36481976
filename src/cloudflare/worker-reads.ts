// Workers routes of a zone (`GET /zones/{id}/workers/routes`, one unpaged list of
// `{id, pattern, script?}`; SDK `RouteListResponse`). A route without a script disables Workers
// for its pattern.
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { CfWorkerRoute } from '../diagnosis/cloudflare-reader.js';
import type { ApiClient } from './api-client.js';
import { obj, str } from './read-json.js';

const OP = { name: 'Workers routes', permission: PERMISSIONS.workersRoutes };

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
