import { describe, expect, it } from 'vitest';
import { parseAlertmanager } from '../../src/incidents/parsers/parse-alertmanager.js';
import { parseCloudflare } from '../../src/incidents/parsers/parse-cloudflare.js';
import { parseGeneric } from '../../src/incidents/parsers/parse-generic.js';
import { parseGrafana } from '../../src/incidents/parsers/parse-grafana.js';
import { payload } from '../fakes/alert-payloads/load-payload.js';

describe('Alertmanager webhook v4', () => {
  it('turns each alert into a site alert and ignores targets that are not sites', () => {
    const result = parseAlertmanager(payload('alertmanager-firing'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.alerts).toEqual([
      {
        site: 'shop.example.com',
        status: 'firing',
        fingerprint: 'alertmanager:1a30ba71cca2921f',
        start: '2026-03-02T13:08:45.828Z',
        source: 'alertmanager',
        summary: 'BlackBox Probe Failure: https://shop.example.com',
      },
      expect.objectContaining({ site: 'api.example.com', fingerprint: 'alertmanager:8d2c6b7a11e0f3c4' }),
    ]);
    expect(result.ignored).toEqual([{ index: 2, reason: expect.stringContaining('IP address') }]);
  });

  it('gives the resolve the same fingerprint and start as its firing', () => {
    const firing = parseAlertmanager(payload('alertmanager-firing'));
    const resolved = parseAlertmanager(payload('alertmanager-resolved'));
    if (!firing.ok || !resolved.ok) throw new Error('fixtures must parse');
    expect(resolved.alerts[0]).toMatchObject({
      status: 'resolved',
      fingerprint: firing.alerts[0]?.fingerprint,
      start: firing.alerts[0]?.start,
    });
  });

  it('hashes the labels when the sender gives no fingerprint', () => {
    const alert = {
      status: 'firing',
      labels: { instance: 'shop.example.com', alertname: 'X' },
      startsAt: 't',
    };
    const a = parseAlertmanager({ version: '4', alerts: [alert] });
    const b = parseAlertmanager({
      version: '4',
      alerts: [{ ...alert, labels: { alertname: 'X', instance: 'shop.example.com' } }],
    });
    expect(a.ok && b.ok && a.alerts[0]?.fingerprint).toBe(b.ok && b.alerts[0]?.fingerprint);
  });

  it.each([
    [[], 'expected a JSON object'],
    [{ version: '3', alerts: [] }, 'unsupported Alertmanager webhook version'],
    [{ version: '4' }, 'alerts[] is missing'],
    [{ alerts: [1] }, 'alerts[0] must be an object'],
    [{ alerts: [{ status: 'on', labels: {} }] }, 'alerts[0].status'],
    [{ alerts: [{ status: 'firing', labels: 'x' }] }, 'alerts[0].labels'],
    [{ alerts: new Array(10_001).fill({}) }, 'too many alerts'],
  ])('refuses %j with a reason', (body, reason) => {
    const result = parseAlertmanager(body);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});

describe('Grafana alerting webhook', () => {
  it('reads the host label and the annotations summary', () => {
    const result = parseGrafana(payload('grafana-firing'));
    expect(result.ok && result.alerts).toEqual([
      {
        site: 'shop.example.com',
        status: 'firing',
        fingerprint: 'grafana:c6eadffa33fcdf37',
        start: '2026-03-02T09:51:03.157076+02:00',
        source: 'grafana',
        summary: 'shop.example.com: 502 rate 14%',
      },
    ]);
    const resolved = parseGrafana(payload('grafana-resolved'));
    expect(resolved.ok && resolved.alerts[0]?.status).toBe('resolved');
  });
});

describe('Cloudflare Notifications', () => {
  it('accepts the "Save and Test" ping and ignores it', () => {
    expect(parseCloudflare(payload('cloudflare-test'))).toMatchObject({
      ok: true,
      alerts: [],
      note: expect.any(String),
    });
  });

  it('pairs START and END of an origin error rate alert by correlation id', () => {
    const start = parseCloudflare(payload('cloudflare-origin-error-rate'));
    const end = parseCloudflare(payload('cloudflare-origin-error-rate-end'));
    if (!start.ok || !end.ok) throw new Error('fixtures must parse');
    expect(start.alerts).toEqual([
      expect.objectContaining({
        site: 'shop.example.com',
        status: 'firing',
        start: 'c1d9a6f4-2c7b-4b0f-9f62-9b1d2e0a7c11',
      }),
    ]);
    expect(end.alerts[0]).toMatchObject({
      status: 'resolved',
      fingerprint: start.alerts[0]?.fingerprint,
      start: start.alerts[0]?.start,
    });
  });

  it('makes one alert per unreachable host of passive origin monitoring', () => {
    const result = parseCloudflare(payload('cloudflare-passive-origin'));
    expect(result.ok && result.alerts.map((a) => [a.site, a.status])).toEqual([
      ['shop.example.com', 'firing'],
      ['blog.example.org', 'firing'],
    ]);
  });

  it.each([
    ['cloudflare-health-check', 'shop.example.com'],
    ['cloudflare-lb-health', 'shop.example.com'],
    ['cloudflare-tunnel-health', 'shop.example.com'],
  ])('reads %s as a firing alert for %s, and its healthy flip as the resolve', (name, site) => {
    const body = payload(name) as { data: Record<string, unknown> };
    const firing = parseCloudflare(body);
    const healthy = structuredClone(body);
    for (const key of ['new_status', 'new_health'])
      if (key in healthy.data)
        healthy.data[key] =
          key === 'new_status' && name.includes('tunnel') ? 'TUNNEL_STATUS_TYPE_HEALTHY' : 'Healthy';
    const resolved = parseCloudflare(healthy);
    if (!firing.ok || !resolved.ok) throw new Error('fixtures must parse');
    expect(firing.alerts).toEqual([
      expect.objectContaining({ site, status: 'firing', source: 'cloudflare' }),
    ]);
    expect(resolved.alerts[0]).toMatchObject({
      status: 'resolved',
      fingerprint: firing.alerts[0]?.fingerprint,
      start: '',
    });
  });

  it('accepts alert types unrelated to 5xx and ignores them', () => {
    expect(parseCloudflare(payload('cloudflare-unrelated'))).toMatchObject({
      ok: true,
      alerts: [],
      note: expect.stringContaining('universal_ssl_event_type'),
    });
  });

  it.each([
    ['a list', []],
    ['no alert fields', { hello: 1 }],
    ['a numeric alert type', { alert_type: 5, data: {} }],
    ['data that is not an object', { alert_type: 'http_alert_origin_error', data: 'x' }],
  ])('refuses %s', (_, body) => {
    expect(parseCloudflare(body).ok).toBe(false);
  });
});

describe('generic webhook', () => {
  it('normalises the site from a URL', () => {
    expect(
      parseGeneric({
        site: 'https://Shop.Example.com:8443/cart',
        status: 'firing',
        summary: '502 on checkout',
      }),
    ).toEqual({
      ok: true,
      ignored: [],
      alerts: [
        {
          site: 'shop.example.com',
          status: 'firing',
          fingerprint: 'generic:shop.example.com',
          start: '',
          source: 'generic',
          summary: '502 on checkout',
        },
      ],
    });
  });

  it.each([
    [{ status: 'firing' }, 'site must be a string'],
    [{ site: 'shop.example.com', status: 'down' }, 'status must be'],
    [{ site: 'shop.example.com', status: 'firing', summary: 3 }, 'summary must be a string'],
    [{ site: '127.0.0.1', status: 'firing' }, 'IP address'],
    [{ site: 'shop.example.com', status: 'firing', startsAt: 'x'.repeat(201) }, 'startsAt'],
  ])('refuses %j', (body, reason) => {
    expect(parseGeneric(body)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});
