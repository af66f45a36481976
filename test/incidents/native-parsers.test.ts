// The uptime monitors' parsers, against their published payload shapes (test/fakes/alert-payloads/
// SOURCES.md) and against variations the fixtures do not show: other field cases, user templates,
// GET/form deliveries, hosts only in prose. What matters to a user: the right site, the right state,
// a resolve that matches its firing, and a 400 that says which field was missing.
import { describe, expect, it } from 'vitest';
import type { ParsedPayload } from '../../src/incidents/alert.js';
import { decodeBody } from '../../src/incidents/parsers/decode-body.js';
import { parseBetterStack } from '../../src/incidents/parsers/parse-betterstack.js';
import { parseCheckly } from '../../src/incidents/parsers/parse-checkly.js';
import { parseDatadog } from '../../src/incidents/parsers/parse-datadog.js';
import { parsePagerDuty } from '../../src/incidents/parsers/parse-pagerduty.js';
import { parsePingdom } from '../../src/incidents/parsers/parse-pingdom.js';
import { parseUptimeKuma } from '../../src/incidents/parsers/parse-uptime-kuma.js';
import { parseUptimeRobot } from '../../src/incidents/parsers/parse-uptimerobot.js';
import { payload } from '../fakes/alert-payloads/load-payload.js';

function one(result: ParsedPayload) {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  expect(result.alerts).toHaveLength(1);
  return result.alerts[0]!;
}

const PAIRS: Array<[string, (p: unknown) => ParsedPayload, string, string, string]> = [
  ['Uptime Kuma', parseUptimeKuma, 'uptime-kuma-down', 'uptime-kuma-up', 'shop.example.com'],
  ['UptimeRobot', parseUptimeRobot, 'uptimerobot-down', 'uptimerobot-up', 'shop.example.com'],
  ['Better Stack', parseBetterStack, 'betterstack-started', 'betterstack-resolved', 'shop.example.com'],
  ['Datadog', parseDatadog, 'datadog-triggered', 'datadog-recovered', 'shop.example.com'],
  ['PagerDuty', parsePagerDuty, 'pagerduty-triggered', 'pagerduty-resolved', 'shop.example.com'],
  ['Checkly', parseCheckly, 'checkly-failure', 'checkly-recovery', 'shop.example.com'],
  ['Pingdom', parsePingdom, 'pingdom-down', 'pingdom-up', 'shop.example.com'],
];

describe.each(PAIRS)('%s', (_name, parse, down, up, site) => {
  it('reads the site and a firing state from the down payload', () => {
    const alert = one(parse(payload(down)));
    expect(alert).toMatchObject({ site, status: 'firing' });
    expect(alert.summary.length).toBeGreaterThan(3);
  });

  it('gives the up payload the same identity, so it resolves that firing', () => {
    const firing = one(parse(payload(down)));
    const resolved = one(parse(payload(up)));
    expect(resolved).toMatchObject({ site, status: 'resolved', fingerprint: firing.fingerprint });
    // Its own episode, or `*` (every episode still firing) where the sender's resolve names none.
    expect([firing.start, '*']).toContain(resolved.start);
  });

  it('refuses a payload without any site with a 400 naming the fields it looked at', () => {
    const result = parse(stripSites(payload(down)));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/no site in the payload \(looked at .+\)/);
  });
});

/** The fixture with every value that could name a site blanked (but the state kept). */
function stripSites(value: unknown): unknown {
  if (typeof value === 'string') return /example\.com/.test(value) ? 'x' : value;
  if (Array.isArray(value)) return value.map(stripSites);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSites(v)]));
  return value;
}

describe('Uptime Kuma variations', () => {
  it('takes the hostname of a port monitor whose url is the "https://" placeholder', () => {
    expect(one(parseUptimeKuma(payload('uptime-kuma-port-down')))).toMatchObject({
      site: 'api.example.com',
      status: 'firing',
    });
  });
  it('accepts the Test button and opens nothing', () => {
    expect(parseUptimeKuma(payload('uptime-kuma-test'))).toMatchObject({
      ok: true,
      alerts: [],
      note: expect.stringContaining('test'),
    });
  });
  it('ignores pending (retrying) and maintenance heartbeats', () => {
    for (const status of [2, 3]) {
      const p = payload('uptime-kuma-down') as { heartbeat: { status: number } };
      p.heartbeat.status = status;
      expect(parseUptimeKuma(p)).toMatchObject({ ok: true, alerts: [] });
    }
  });
  it('reads a GET delivery (msg, monitor and heartbeat as JSON query parameters)', () => {
    const p = payload('uptime-kuma-down') as Record<string, unknown>;
    const query = new URLSearchParams({
      msg: String(p['msg']),
      monitor: JSON.stringify(p['monitor']),
      heartbeat: JSON.stringify(p['heartbeat']),
      token: 'not-for-parsers',
    });
    const decoded = decodeBody({ body: Buffer.alloc(0), headers: {}, query });
    expect(decoded.ok && decoded.value).not.toHaveProperty('token');
    expect(one(parseUptimeKuma(decoded.ok ? decoded.value : undefined))).toMatchObject({
      site: 'shop.example.com',
      status: 'firing',
    });
  });
  it('reads a multipart/form-data delivery (the JSON in a "data" field)', () => {
    const json = JSON.stringify(payload('uptime-kuma-up'));
    const body = Buffer.from(
      `--XyZ\r\nContent-Disposition: form-data; name="data"\r\n\r\n${json}\r\n--XyZ--\r\n`,
    );
    const decoded = decodeBody({
      body,
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
      query: new URLSearchParams(),
    });
    expect(one(parseUptimeKuma(decoded.ok ? decoded.value : undefined))).toMatchObject({
      status: 'resolved',
    });
  });
  it('falls back to the words of msg when the status is missing', () => {
    const alert = one(
      parseUptimeKuma({
        monitor: { id: 3, url: 'https://a.example.org' },
        heartbeat: {},
        msg: '[A] [🔴 Down] timeout',
      }),
    );
    expect(alert).toMatchObject({ site: 'a.example.org', status: 'firing' });
  });
});

describe('UptimeRobot variations', () => {
  it('reads the variables from a query string, whatever their case', () => {
    const query = new URLSearchParams(
      'monitorid=7&monitorurl=http%3A%2F%2Fblog.example.net%2F&alerttypefriendlyname=Down&token=t',
    );
    const decoded = decodeBody({ body: Buffer.alloc(0), headers: {}, query });
    expect(one(parseUptimeRobot(decoded.ok ? decoded.value : undefined))).toMatchObject({
      site: 'blog.example.net',
      status: 'firing',
      fingerprint: 'uptimerobot:7',
    });
  });
  it('reads a form-encoded POST value', () => {
    const body = Buffer.from('monitorURL=https%3A%2F%2Fshop.example.com&alertType=2&monitorID=5');
    const decoded = decodeBody({
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      query: new URLSearchParams(),
    });
    expect(one(parseUptimeRobot(decoded.ok ? decoded.value : undefined))).toMatchObject({
      status: 'resolved',
    });
  });
  it('ignores an SSL expiry notice (alertType 3)', () => {
    expect(
      parseUptimeRobot({
        ...(payload('uptimerobot-down') as object),
        alertType: '3',
        alertTypeFriendlyName: 'SSL expiry',
      }),
    ).toMatchObject({ ok: true, alerts: [] });
  });
  it('refuses a payload without a state, naming alertType', () => {
    const result = parseUptimeRobot({ monitorURL: 'https://shop.example.com' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('alertType') });
  });
  it('treats an unfilled variable (*monitorURL*) as missing', () => {
    const result = parseUptimeRobot({ monitorURL: '*monitorURL*', alertType: '1' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('monitorURL') });
  });
});

describe('Better Stack variations', () => {
  it('ignores an acknowledgement and non-incident webhooks', () => {
    expect(parseBetterStack(payload('betterstack-acknowledged'))).toMatchObject({ ok: true, alerts: [] });
    expect(
      parseBetterStack({ data: { id: '1', type: 'monitor', attributes: { url: 'https://x.example.com' } } }),
    ).toMatchObject({ ok: true, alerts: [] });
  });
  it('ties the start and the resolve by the incident id', () => {
    expect(one(parseBetterStack(payload('betterstack-started'))).start).toBe('501234567');
  });
});

describe('Datadog variations', () => {
  it('reads the default payload of a Synthetic test: state from the title, site from the message', () => {
    expect(one(parseDatadog(payload('datadog-default-synthetics')))).toMatchObject({
      site: 'api.example.com',
      status: 'firing',
    });
  });
  it('never takes its own app.datadoghq.com links for the site', () => {
    const result = parseDatadog({
      title: '[Triggered] CPU high',
      body: 'see https://app.datadoghq.com/monitors/1',
      link: 'https://app.datadoghq.com/x',
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('no site') });
  });
  it.each([
    [{ transition: 'Re-Triggered' }, 'firing'],
    [{ alert_transition: 'Warn' }, 'firing'],
    [{ ALERT_TRANSITION: 'Recovered' }, 'resolved'],
    [{ alert_type: 'success' }, 'resolved'],
    [{ title: '[P1] [Recovered on {url:https://shop.example.com}] x' }, 'resolved'],
  ])('reads %j as %s', (fields, status) => {
    expect(one(parseDatadog({ site: 'shop.example.com', ...fields })).status).toBe(status);
  });
  it('reads a site from a url tag in a $TAGS string or a host: scope', () => {
    expect(
      one(parseDatadog({ alert_transition: 'Triggered', tags: 'env:prod,site:www.example.org' })).site,
    ).toBe('www.example.org');
    expect(
      one(parseDatadog({ alert_transition: 'Triggered', alert_scope: 'host:web.example.org,env:prod' })).site,
    ).toBe('web.example.org');
  });
  it('refuses a payload with no state with a 400 naming alert_transition', () => {
    expect(parseDatadog({ site: 'shop.example.com', title: 'Shop' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('alert_transition'),
    });
  });
});

describe('PagerDuty variations', () => {
  it('accepts the pagey.ping test and acknowledgements, opening nothing', () => {
    expect(parsePagerDuty(payload('pagerduty-ping'))).toMatchObject({ ok: true, alerts: [] });
    expect(parsePagerDuty(payload('pagerduty-acknowledged'))).toMatchObject({ ok: true, alerts: [] });
  });
  it('finds the site in an incident key or a service named after the host when the title has none', () => {
    const p = payload('pagerduty-triggered') as { event: { data: Record<string, unknown> } };
    p.event.data['title'] = 'Website is down';
    p.event.data['incident_key'] = 'https://status-check.example.com/health';
    expect(one(parsePagerDuty(p)).site).toBe('status-check.example.com');
  });
  it('never takes the conference bridge or its own links for the site', () => {
    const p = payload('pagerduty-triggered') as { event: { data: Record<string, unknown> } };
    p.event.data['title'] = 'A little bump in the road';
    delete p.event.data['incident_key'];
    expect(parsePagerDuty(p)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('event.data.title'),
    });
  });
});

describe('Checkly variations', () => {
  it('reads the degraded states and ignores certificate expiry', () => {
    expect(
      one(parseCheckly({ ...(payload('checkly-failure') as object), alert_type: 'ALERT_DEGRADED' })).status,
    ).toBe('firing');
    expect(
      one(parseCheckly({ ...(payload('checkly-failure') as object), alert_type: 'ALERT_DEGRADED_RECOVERY' }))
        .status,
    ).toBe('resolved');
    expect(
      parseCheckly({ ...(payload('checkly-failure') as object), alert_type: 'ALERT_SSL' }),
    ).toMatchObject({ ok: true, alerts: [] });
  });
  it('reads a user template with a request URL under another name', () => {
    const alert = one(
      parseCheckly({
        alertType: 'ALERT_FAILURE',
        checkName: 'Checkout',
        requestUrl: 'https://pay.example.com/api',
        checkId: 'c1',
      }),
    );
    expect(alert).toMatchObject({ site: 'pay.example.com', fingerprint: 'checkly:c1' });
  });
});

describe('Pingdom variations', () => {
  it('takes the hostname of a TCP check and the state words of a transaction check', () => {
    expect(
      one(
        parsePingdom({
          check_id: 9,
          check_type: 'TCP',
          check_params: { hostname: 'mail.example.com', port: 25 },
          current_state: 'DOWN',
        }),
      ).site,
    ).toBe('mail.example.com');
    expect(
      one(parsePingdom({ check_id: 9, check_name: 'Login on shop.example.com', current_state: 'SUCCESS' }))
        .status,
    ).toBe('resolved');
  });
  it('refuses an IP-only check, saying why', () => {
    const result = parsePingdom({
      check_id: 1,
      check_params: { hostname: '203.0.113.10' },
      current_state: 'DOWN',
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('IP address') });
  });
});
