// Which analytics a zone's plan allows, from the GraphQL `settings` node (docs:
// analytics/graphql-api/features/discovery/settings): per dataset `enabled`, `availableFields`
// (nested fields as paths such as `dimensions_originResponseStatus` or `sum_requests`),
// `maxDuration` and `notOlderThan` (seconds). Asked before the data query so a plan limit reads as
// "unavailable on this plan", never as a missing token permission.
import { PERMISSIONS } from '../diagnosis/cloudflare-permissions.js';
import type { ApiClient } from './api-client.js';
import { graphqlError, postGraphql } from './graphql.js';
import { arr, bool, num, obj, strings } from './read-json.js';

export interface DatasetAvailability {
  enabled: boolean;
  /** Empty when the API did not list them (then nothing is assumed missing). */
  availableFields: string[];
  maxDurationSeconds?: number;
  notOlderThanSeconds?: number;
}

const OP = { name: 'analytics availability', permission: PERMISSIONS.analytics };

export const SETTINGS_QUERY = `query Availability($zoneTag: string!) {
  viewer {
    zones(filter: { zoneTag: $zoneTag }) {
      settings {
        httpRequestsAdaptiveGroups { enabled availableFields maxDuration notOlderThan }
      }
    }
  }
}`;

export async function datasetAvailability(
  api: ApiClient,
  zoneTag: string,
  signal: AbortSignal | undefined,
): Promise<DatasetAvailability | undefined> {
  const root = await postGraphql(api, OP, SETTINGS_QUERY, { zoneTag }, signal);
  const errors = arr(root?.['errors']);
  if (errors.length > 0) throw graphqlError(OP.name, errors);
  const zone = obj(arr(obj(obj(root?.['data'])?.['viewer'])?.['zones'])[0]);
  const node = obj(obj(zone?.['settings'])?.['httpRequestsAdaptiveGroups']);
  if (!node) return undefined;
  const out: DatasetAvailability = {
    enabled: bool(node['enabled']) ?? true,
    availableFields: strings(node['availableFields']),
  };
  const duration = num(node['maxDuration']);
  if (duration !== undefined) out.maxDurationSeconds = duration;
  const older = num(node['notOlderThan']);
  if (older !== undefined) out.notOlderThanSeconds = older;
  return out;
}

/** Whether `field` (e.g. "originResponseStatus") is among the listed fields, whatever its path. */
export function hasField(availability: DatasetAvailability, field: string): boolean {
  const fields = availability.availableFields;
  if (fields.length === 0) return true;
  return fields.some((f) => f === field || f.endsWith(`_${field}`) || f.endsWith(`.${field}`));
}
