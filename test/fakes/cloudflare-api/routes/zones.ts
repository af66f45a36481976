// The fake Cloudflare API's zone reads: the zones list (with its name operators), DNS records
// (with the real filters) and zone settings (bulk and one at a time).

import type { Route, RouteContext } from '../route-context.js';
import type { FakeZone } from '../scenario.js';

export function zoneRoutes({ s, url, paged, ok, notFound, allowed }: RouteContext): Route[] {
  return [
    [
      'GET',
      /^\/zones$/,
      () => {
        if (!allowed('Zone Read')) return;
        // `name` takes an optional operator (zones list API): equal (default), ends_with,
        // starts_with, contains; case-insensitive unless *_case_sensitive.
        const raw = url.searchParams.get('name');
        const [, op = 'equal', value = ''] = /^(?:(\w+):)?(.*)$/.exec(raw ?? '') ?? [];
        const v = value.toLowerCase();
        const test = (n: string): boolean =>
          raw === null ||
          (op === 'ends_with'
            ? n.endsWith(v)
            : op === 'starts_with'
              ? n.startsWith(v)
              : op === 'contains'
                ? n.includes(v)
                : n === v);
        paged(s.zones.filter((z) => test(z.name.toLowerCase())).map(zoneBody));
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/dns_records$/,
      ([, zone = '']) => {
        if (!allowed('DNS Read')) return;
        const q = url.searchParams;
        // Real filters: name (=name.exact), name.exact/startswith/endswith/contains, type.
        const name = (r: Record<string, unknown>) => String(r['name'] ?? '').toLowerCase();
        const tests: ((r: Record<string, unknown>) => boolean)[] = [];
        const exact = q.get('name.exact') ?? q.get('name');
        if (exact !== null) tests.push((r) => name(r) === exact.toLowerCase());
        const starts = q.get('name.startswith');
        if (starts !== null) tests.push((r) => name(r).startsWith(starts.toLowerCase()));
        const ends = q.get('name.endswith');
        if (ends !== null) tests.push((r) => name(r).endsWith(ends.toLowerCase()));
        const contains = q.get('name.contains');
        if (contains !== null) tests.push((r) => name(r).includes(contains.toLowerCase()));
        const type = q.get('type');
        if (type !== null) tests.push((r) => r['type'] === type);
        const records = (s.records[zone] ?? []).filter((r) => tests.every((t) => t(r)));
        paged(
          records.map((r, i) => ({
            id: `372e67954025e0ba6aaa6d586b9e0b${String(i).padStart(2, '0')}`,
            zone_id: zone,
            ttl: 1,
            proxiable: true,
            settings: {},
            meta: {},
            comment: null,
            tags: [],
            created_on: '2026-01-01T05:20:00.12345Z',
            modified_on: '2026-01-01T05:20:00.12345Z',
            ...r,
          })),
        );
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/settings$/,
      ([, zone = '']) => {
        if (!allowed('Zone Settings Read')) return;
        const settings = s.settings[zone];
        if (!settings) return notFound();
        // The bulk answer does not carry the settings that live only at their own path.
        ok(
          Object.entries(settings)
            .filter(([id]) => !SINGLE_ONLY.has(id))
            .map(([id, value]) => ({ id, value, editable: true, modified_on: null })),
        );
      },
    ],
    [
      'GET',
      /^\/zones\/([^/]+)\/settings\/([a-z0-9_]+)$/,
      ([, zone = '', id = '']) => {
        if (!allowed('Zone Settings Read')) return;
        const settings = s.settings[zone];
        if (!settings) return notFound();
        const value = settings[id] ?? SETTING_DEFAULTS[id];
        if (value === undefined) return notFound(1003, 'Invalid or missing zone setting');
        const result: Record<string, unknown> = { id, value, editable: true, modified_on: null };
        // api: GET /zones/{zone_id}/settings/ssl_automatic_mode (automatic_upgrader) adds next_scheduled_scan.
        if (id === 'ssl_automatic_mode') result['next_scheduled_scan'] = '2026-12-01T00:00:00Z';
        ok(result);
      },
    ],
  ];
}

/** Settings the bulk `GET /zones/{id}/settings` does not return (2024 OpenAPI; see the audit). */
const SINGLE_ONLY = new Set(['origin_max_http_version', 'ssl_automatic_mode']);
/** What a zone answers when the setting was never changed (API reference defaults, non-ENT plan). */
const SETTING_DEFAULTS: Record<string, string> = {
  origin_max_http_version: '2',
  ssl_automatic_mode: 'custom',
};

function zoneBody(z: FakeZone) {
  return {
    id: z.id,
    name: z.name,
    status: z.status ?? 'active',
    paused: z.paused ?? false,
    type: z.type ?? 'full',
    name_servers: z.nameServers ?? ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    account: { id: z.accountId ?? 'acc1', name: 'Account' },
    plan: { name: z.plan ?? 'Free Website' },
  };
}
