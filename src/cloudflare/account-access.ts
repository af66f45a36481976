// Reads the doctor makes to prove account-scoped permissions without knowing a tunnel or pool id:
// one-item lists of the account's tunnels (`GET /accounts/{id}/cfd_tunnel?per_page=1`) and pools.
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { ApiClient } from './api-client.js';

export async function listTunnelsOnce(
  api: ApiClient,
  accountId: string,
  signal: AbortSignal,
): Promise<number> {
  const page = await api.call({ name: 'Cloudflare Tunnels', permission: PERMISSIONS.tunnel }, signal, (o) =>
    api.sdk.zeroTrust.tunnels.cloudflared.list({ account_id: accountId, is_deleted: false, per_page: 1 }, o),
  );
  return page.getPaginatedItems().length;
}
