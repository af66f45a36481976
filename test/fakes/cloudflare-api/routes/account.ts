// The fake Cloudflare API's token verification and Cloudflare's published IP ranges.

import { send } from '../envelope.js';
import type { Route, RouteContext } from '../route-context.js';

export function accountRoutes({ s, res, ok }: RouteContext): Route[] {
  return [
    [
      'GET',
      /^\/user\/tokens\/verify$/,
      () =>
        send(res, 200, {
          success: true,
          errors: [],
          messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
          result: { id: 'ed17574386854bf78a67040be0a770b0', status: s.tokenStatus },
        }),
    ],
    ['GET', /^\/ips$/, () => ok({ ...s.ips, etag: '38f79d050aa027e3be3865e495dcc9bc' })],
  ];
}
