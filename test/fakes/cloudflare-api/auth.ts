// The fake Cloudflare API's token check, made before any route answers.

import type { ApiError } from './envelope.js';
import type { FakeScenario } from './scenario.js';

/**
 * The token check the API gateway makes before routing: a header it cannot parse is 400/6003 with
 * 6111 in error_chain (a Global API Key pasted as a token: kissgyorgy/cloudflare-dyndns#40); a
 * well-formed unknown token is 403/9109 "Invalid access token", or 401/1000 "Invalid API Token" on
 * /user/tokens/verify (recordings of the live API in public test suites); an expired or disabled
 * token verifies as such and is refused elsewhere.
 */
export function authAnswer(
  s: FakeScenario,
  header: string | undefined,
  path: string,
): { status: number; errors: ApiError[] } | undefined {
  const token = /^Bearer (.*)$/.exec(header ?? '')?.[1];
  if (token === undefined || !/^[A-Za-z0-9_-]{40}$/.test(token)) {
    return {
      status: 400,
      errors: [
        {
          code: 6003,
          message: 'Invalid request headers',
          error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
        },
      ],
    };
  }
  const verify = path === '/user/tokens/verify';
  if (token !== s.token && token !== s.fixToken) {
    return verify
      ? { status: 401, errors: [{ code: 1000, message: 'Invalid API Token' }] }
      : { status: 403, errors: [{ code: 9109, message: 'Invalid access token' }] };
  }
  if (s.tokenStatus !== 'active' && !verify) {
    return { status: 403, errors: [{ code: 9109, message: 'Invalid access token' }] };
  }
  return undefined;
}
