// The fake Cloudflare API's zone rulesets: the list, a phase's entrypoint, one ruleset.

import { envelope, send } from '../envelope.js';
import type { Route, RouteContext } from '../route-context.js';

export function rulesetRoutes({ s, res, ok, notFound, allowed }: RouteContext): Route[] {
  return [
    [
      'GET',
      /^\/zones\/([^/]+)\/rulesets$/,
      ([, zone = '']) =>
        // The list accepts any rulesets read permission (OpenAPI x-api-token-group of Zone Rulesets).
        allowed(
          ['Origin Read', 'Config Settings Read', 'Cache Settings Read'].find(
            (p) => s.permissions === undefined || s.permissions.includes(p),
          ) ?? 'Origin Read',
        ) && ok((s.rulesets[zone] ?? []).map(({ rules: _rules, ...summary }) => summary)),
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/rulesets\/phases\/([^/]+)\/entrypoint$/,
      ([, zone = '', phase = '']) => {
        if (!allowed(phasePermission(phase))) return;
        const entry = (s.rulesets[zone] ?? []).find((r) => r['phase'] === phase && r['kind'] === 'zone');
        // Real answer for a phase the zone never used (captured in public client code):
        if (!entry) {
          return send(
            res,
            404,
            envelope(null, [
              { code: 10003, message: `could not find entrypoint ruleset in the ${phase} phase` },
            ]),
          );
        }
        return ok(entry);
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/rulesets\/([^/]+)$/,
      ([, zone = '', id = '']) => {
        const ruleset = (s.rulesets[zone] ?? []).find((r) => r['id'] === id);
        if (!allowed(phasePermission(String(ruleset?.['phase'] ?? '')))) return;
        return ruleset === undefined ? notFound() : ok(ruleset);
      },
    ],
  ];
}

/** The token permission each rules phase needs (its API reference's accepted permissions). */
function phasePermission(phase: string): string {
  if (phase === 'http_config_settings') return 'Config Settings Read';
  if (phase === 'http_request_cache_settings') return 'Cache Settings Read';
  return 'Origin Read';
}
