// The Cloudflare part of `check502 doctor`: verify the token itself (/user/tokens/verify tells a
// malformed, invalid, expired or disabled token from one that lacks a permission), then, on the
// zone the user names, try every read the checks make, one row per permission, each naming what
// its absence disables and the exact permission (and scope) to add.

import { setMaxListeners } from 'node:events';
import { listTunnelsOnce } from '../cloudflare/account-access.js';
import { createApiClient } from '../cloudflare/api-client.js';
import { auditLog } from '../cloudflare/audit-log-reads.js';
import { edgeAnalytics } from '../cloudflare/edge-analytics.js';
import { loadBalancer, pools } from '../cloudflare/lb-reads.js';
import { entrypointRules, originPullSettings } from '../cloudflare/origin-reads.js';
import { checkToken, type TokenVerdict } from '../cloudflare/token-verdict.js';
import { workerDomains, workerRoutes } from '../cloudflare/worker-reads.js';
import { dnsRecords, zoneSettings, zonesNamed } from '../cloudflare/zone-reads.js';
import { isCloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import { type CfPermission, PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { DoctorRow } from './doctor-row.js';

export interface CloudflareDoctorOptions {
  token: string;
  baseUrl?: string;
  zone?: string;
  timeoutMs?: number;
  now?: () => Date;
}

const AREA = 'cloudflare';

export async function cloudflareRows(options: CloudflareDoctorOptions): Promise<DoctorRow[]> {
  const api = createApiClient({
    token: options.token,
    timeoutMs: options.timeoutMs ?? 8000,
    maxRetryWaitMs: 2000,
    maxCalls: 40,
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
  });
  const signal = AbortSignal.timeout((options.timeoutMs ?? 8000) * 3);
  // Every read below listens on this one signal at once (a dozen): not a leak.
  setMaxListeners(40, signal);
  const rows: DoctorRow[] = [];

  const token = await tokenRow(() => checkToken(api, signal));
  rows.push(token);
  if (token.status === 'failed') return rows;
  if (!options.zone) {
    rows.push({
      area: AREA,
      item: 'permissions',
      status: 'skipped',
      detail: 'Name a zone to try each read the checks make: check502 doctor --zone example.com',
    });
    return rows;
  }

  const zoneName = options.zone.toLowerCase().replace(/\.$/, '');
  let zone: Awaited<ReturnType<typeof zonesNamed>>[number] | undefined;
  try {
    zone = (await zonesNamed(api, zoneName, signal))[0];
  } catch (error) {
    rows.push(failedRead(PERMISSIONS.zone, error));
    return rows;
  }
  if (!zone) {
    rows.push({
      area: AREA,
      item: PERMISSIONS.zone.name,
      status: 'failed',
      detail: `The token sees no zone named ${zoneName}.`,
      disables: PERMISSIONS.zone.without,
      fix: `Give the token "${PERMISSIONS.zone.name}" and include ${zoneName} under Zone Resources (or check the zone's name).`,
    });
    return rows;
  }
  rows.push(
    okRow(PERMISSIONS.zone, `zone ${zone.name} is ${zone.status}${zone.plan ? ` (${zone.plan})` : ''}`),
  );

  const zoneId = zone.id;
  const account = zone.accountId;
  const until = (options.now ?? (() => new Date()))();
  const since = new Date(until.getTime() - 30 * 60_000);
  const reads: [CfPermission, () => Promise<string>][] = [
    [
      PERMISSIONS.dns,
      async () => `${(await dnsRecords(api, zoneId, zone.name, signal)).length} record(s) at the apex`,
    ],
    [
      PERMISSIONS.zoneSettings,
      async () => `SSL/TLS mode ${(await zoneSettings(api, zoneId, signal)).ssl ?? 'unknown'}`,
    ],
    [
      PERMISSIONS.loadBalancers,
      async () =>
        (await loadBalancer(api, zoneId, zone.name, signal)) ? 'a load balancer at the apex' : 'readable',
    ],
    [PERMISSIONS.workersRoutes, async () => `${(await workerRoutes(api, zoneId, signal)).length} route(s)`],
    [
      PERMISSIONS.originRules,
      async () =>
        `${(await entrypointRules(api, zoneId, 'http_request_origin', signal)).length} Origin Rule(s)`,
    ],
    [
      PERMISSIONS.configRules,
      async () =>
        `${(await entrypointRules(api, zoneId, 'http_config_settings', signal)).length} Configuration Rule(s)`,
    ],
    [
      PERMISSIONS.cacheRules,
      async () =>
        `${(await entrypointRules(api, zoneId, 'http_request_cache_settings', signal)).length} Cache Rule(s)`,
    ],
    [
      PERMISSIONS.analytics,
      async () =>
        `${(await edgeAnalytics(api, zoneId, zone.name, since, until, signal)).total} request(s) in 30 min`,
    ],
  ];
  if (account) {
    reads.push(
      [
        PERMISSIONS.pools,
        async () => {
          await pools(api, account, [], signal);
          return 'readable';
        },
      ],
      [PERMISSIONS.tunnel, async () => `${await listTunnelsOnce(api, account, signal)} tunnel(s) listed`],
      [
        PERMISSIONS.workersScripts,
        async () =>
          `${(await workerDomains(api, account, zone.name, signal)).length} Custom Domain(s) at the apex`,
      ],
      [
        PERMISSIONS.accountSettings,
        async () => `${(await auditLog(api, account, zone.name, since, signal)).length} change(s) in 30 min`,
      ],
    );
  }
  const results = await Promise.all(
    reads.map(async ([permission, read]) => {
      try {
        return okRow(permission, await read());
      } catch (error) {
        return failedRead(permission, error);
      }
    }),
  );
  rows.push(...results, await originPullRow(api, zoneId, zone.name, signal));
  return rows;
}

/** Authenticated Origin Pulls is read only for origins that demand a client certificate. */
async function originPullRow(
  api: ReturnType<typeof createApiClient>,
  zoneId: string,
  host: string,
  signal: AbortSignal,
): Promise<DoctorRow> {
  const permission = PERMISSIONS.sslCertificates;
  try {
    const aop = await originPullSettings(api, zoneId, host, signal);
    return okRow(permission, `zone-level Authenticated Origin Pulls ${aop.zoneEnabled ? 'on' : 'off'}`);
  } catch (error) {
    return failedRead(permission, error);
  }
}

async function tokenRow(check: () => Promise<TokenVerdict>): Promise<DoctorRow> {
  const verdict = await check();
  const row: DoctorRow = {
    area: AREA,
    item: 'CLOUDFLARE_API_TOKEN',
    status: verdict.state === 'ok' ? 'ok' : 'failed',
    detail: verdict.detail,
  };
  if (verdict.state !== 'ok') {
    row.disables =
      verdict.state === 'unreachable'
        ? 'every Cloudflare check (the API did not answer)'
        : 'every Cloudflare check';
  }
  if (verdict.fix && verdict.state !== 'ok') row.fix = verdict.fix;
  return row;
}

function okRow(permission: CfPermission, detail: string): DoctorRow {
  return { area: AREA, item: permission.name, status: 'ok', detail: `${permission.reads}: ${detail}` };
}

function failedRead(permission: CfPermission, error: unknown): DoctorRow {
  const scope =
    permission.scope === 'account'
      ? ` (account permission: include the zone's account under Account Resources)`
      : ' (zone permission: include the zone under Zone Resources)';
  if (isCloudflareApiError(error) && error.kind === 'not_entitled') {
    return {
      area: AREA,
      item: permission.name,
      status: 'limited',
      detail: `the zone's plan does not include it: ${error.message}`,
      disables: `${permission.without} (a plan limit, reported as info)`,
    };
  }
  // Without a core permission the Cloudflare check cannot work; any other only narrows it.
  const status = permission.core ? 'failed' : 'warning';
  if (isCloudflareApiError(error) && error.kind === 'auth') {
    return {
      area: AREA,
      item: permission.name,
      status,
      detail: `missing: reading ${error.operation} was refused (HTTP ${error.status ?? '?'}${error.codes?.length ? `, code ${error.codes.join('/')}` : ''})`,
      disables: permission.without,
      fix: `Add "${permission.name}" to the token${scope}.`,
    };
  }
  return {
    area: AREA,
    item: permission.name,
    status,
    detail: `could not be read: ${error instanceof Error ? error.message : String(error)}`,
    disables: permission.without,
    fix: 'Run the doctor again; if it persists check https://www.cloudflarestatus.com and outbound HTTPS.',
  };
}
