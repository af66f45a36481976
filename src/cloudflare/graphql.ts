// POST /graphql through the SDK's raw call (auth, timeout, our retry and budget), and GraphQL
// errors read the way the analytics API reports them: with HTTP 200 and `errors[]` (the SDK sees
// success), or with HTTP 400/401/403/429/503 (the SDK throws; mapped by status in toApiError).
// A plan that lacks a dataset or field ("zone '…' does not have access to the path …", "dataset
// accessibility limits exceeded") is `not_entitled`, not a missing permission (docs
// analytics/graphql-api/errors; lablabs/cloudflare-exporter#13, #27).
import { CloudflareApiError } from '../diagnosis/cloudflare-api-error.js';
import type { ApiClient } from './api-client.js';
import { type Json, obj, str } from './read-json.js';
import type { Operation } from './to-api-error.js';

const PLAN_LIMIT =
  /does not have access to the path|dataset accessibility|not available (on|for) (your|this) plan|requires? an? (enterprise|business|pro)|upgrade your plan|exceeds? (the )?(maximum|max) (duration|time range)|cannot request data older than/i;
const DENIED = /not authori[sz]ed|does not have permission|unauthori[sz]ed|authentication|permission/i;
const LIMITED = /rate limit|too many|quota|limit exceeded/i;

export async function postGraphql(
  api: ApiClient,
  op: Operation,
  query: string,
  variables: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<Json | undefined> {
  try {
    const body: unknown = await api.call(op, signal, (o) =>
      api.sdk.post<unknown>('/graphql', { ...o, body: { query, variables } }),
    );
    return obj(body);
  } catch (error) {
    throw reclassify(error, op.name);
  }
}

/** An HTTP-status error whose text says "plan limit" is not an auth failure. */
function reclassify(error: unknown, operation: string): unknown {
  if (!(error instanceof CloudflareApiError)) return error;
  if ((error.kind === 'auth' || error.kind === 'invalid') && PLAN_LIMIT.test(error.message)) {
    return new CloudflareApiError({
      kind: 'not_entitled',
      operation,
      ...(error.status !== undefined ? { status: error.status } : {}),
      message: `the zone's plan does not include this analytics data: ${error.message}`,
    });
  }
  return error;
}

export function graphqlError(operation: string, errors: unknown[]): CloudflareApiError {
  const messages = errors
    .slice(0, 3)
    .map((e) => str(obj(e)?.['message']) ?? 'unknown error')
    .join('; ')
    .slice(0, 300);
  if (PLAN_LIMIT.test(messages)) {
    return new CloudflareApiError({
      kind: 'not_entitled',
      operation,
      message: `the zone's plan does not include this analytics data: ${messages}`,
    });
  }
  if (DENIED.test(messages)) {
    return new CloudflareApiError({
      kind: 'auth',
      operation,
      permission: 'Analytics Read',
      permissionScope: 'zone',
      tokenRejected: false,
      message: `the analytics API refused the query: ${messages}`,
    });
  }
  return new CloudflareApiError({
    kind: LIMITED.test(messages) ? 'rate_limited' : 'invalid',
    operation,
    message: `the analytics API answered with errors: ${messages}`,
  });
}
