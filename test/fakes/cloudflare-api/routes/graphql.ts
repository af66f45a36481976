// The fake Cloudflare API's GraphQL endpoint: analytics answered from the scenario (graphql-analytics.ts).

import { answerGraphql, graphqlErrors } from '../../graphql-analytics.js';
import { send } from '../envelope.js';
import type { Route, RouteContext } from '../route-context.js';

export function graphqlRoutes({ s, call, res }: RouteContext): Route[] {
  return [
    [
      'POST',
      /^\/graphql$/,
      () => {
        if (s.permissions !== undefined && !s.permissions.includes('Analytics Read')) {
          // GraphQL auth errors: docs analytics/graphql-api/errors ("not authorized for that account").
          send(res, 403, graphqlErrors('zones ["' + zoneTagOf(call.body) + '"] are not authorized'));
          return;
        }
        if (s.graphql !== undefined) return send(res, 200, s.graphql);
        const answer = answerGraphql(s.analytics, call.body);
        send(res, answer.status, answer.body);
      },
    ],
  ];
}

function zoneTagOf(body: unknown): string {
  const vars = (body as { variables?: Record<string, unknown> } | undefined)?.variables;
  return String(vars?.['zoneTag'] ?? '');
}
