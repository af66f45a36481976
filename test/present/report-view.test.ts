// The one view of a report that Slack, Discord and the terminal style: what a person needs, in words.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/diagnosis/report.js';
import { reportDetails } from '../../src/present/details.js';
import { factsInWords } from '../../src/present/fact-words.js';
import { audienceOf } from '../../src/present/origin-addresses.js';
import { reportView } from '../../src/present/report-view.js';
import { reported } from '../support/findings.js';

const edge = reported({
  code: 'edge.error',
  severity: 'error',
  title: 'Cloudflare could not connect to the origin (521)',
  detail: 'Cloudflare rendered its error page.',
  evidence: {
    status: 521,
    cloudflareErrorCode: 521,
    reason: 'Web server is down',
    blames: 'origin',
    rayId: '8f01',
    viaCloudflare: true,
    pageForm: 'branded',
  },
});
const refused = reported({
  code: 'origin.connection_refused',
  severity: 'error',
  title: 'The origin refuses connections on port 443',
  detail: '203.0.113.10:443 refused.',
  evidence: { endpoint: '203.0.113.10:443', errorCode: 'ECONNREFUSED', port: 443, address: '203.0.113.10' },
});
const expiring = reported({
  code: 'origin.tls_cert_expiring',
  severity: 'warn',
  title: 'The certificate expires in 5 days',
  detail: '',
  evidence: { daysLeft: 5 },
});
const zone = reported({
  code: 'cloudflare.zone_ok',
  severity: 'ok',
  title: 'Zone example.com is active',
  detail: '',
  evidence: { status: 'active', zoneId: 'abc' },
});
const record = reported({
  code: 'dns.record_ok',
  severity: 'ok',
  title: 'Record proxied',
  detail: '',
  evidence: { records: [{ type: 'A', content: '203.0.113.10', proxied: true }] },
});
const ssl = reported({
  code: 'ssl.mode',
  severity: 'info',
  title: 'SSL/TLS mode: full',
  detail: '',
  evidence: { mode: 'full' },
});

const report: Report = {
  site: 'shop.example.com',
  url: 'https://shop.example.com/',
  verdict: 'failing',
  primaryCause: 'origin.connection_refused',
  findings: [zone, record, ssl, edge, refused, expiring],
  checks: [
    {
      name: 'cloudflare',
      status: 'passed',
      durationMs: 55,
      codes: ['cloudflare.zone_ok', 'dns.record_ok', 'ssl.mode'],
    },
    { name: 'edge', status: 'failed', durationMs: 300, codes: ['edge.error'] },
    {
      name: 'origin',
      status: 'failed',
      durationMs: 20,
      codes: ['origin.connection_refused', 'origin.tls_cert_expiring'],
    },
  ],
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 900,
  cloudflareApiCalls: 7,
};

describe('reportView', () => {
  it('folds the edge 521 under a refusing origin, and keeps what it does not explain in "also found"', () => {
    const view = reportView(report, 'private');
    expect(view.primary?.code).toBe('origin.connection_refused');
    expect(view.explained.map((f) => f.code)).toEqual(['edge.error']);
    expect(view.alsoFound.map((f) => f.code)).toEqual(['origin.tls_cert_expiring']);
    expect(view.countsLine).toBe('2 error · 1 warn · 1 info · 2 ok');
  });

  it('says a check without problems in one line of words', () => {
    const [cloudflare, edgeCheck] = reportView(report, 'private').checks;
    expect(cloudflare).toMatchObject({
      label: 'Cloudflare API',
      line: 'zone active, record proxied, SSL Full',
      problems: [],
    });
    expect(edgeCheck).toMatchObject({
      label: 'Cloudflare edge',
      statusWords: 'found a problem',
      worst: 'error',
    });
  });

  it('gives three to five facts in words, never ids or internal flags', () => {
    const facts = factsInWords(edge);
    expect(facts).toEqual(['HTTP 521', '"Web server is down"', 'the page blames the origin', 'Ray ID 8f01']);
    expect(facts.join(' ')).not.toMatch(/branded|viaCloudflare|true/);
    expect(factsInWords(refused)).toEqual(['ECONNREFUSED', '203.0.113.10:443']);
  });
});

describe('origin addresses follow the audience', () => {
  const report: Report = {
    site: 'shop.example.com',
    url: 'https://shop.example.com/',
    verdict: 'failing',
    primaryCause: 'origin.connection_refused',
    findings: [edge, refused],
    checks: [{ name: 'origin', status: 'failed', durationMs: 3, codes: ['origin.connection_refused'] }],
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 10,
    cloudflareApiCalls: 0,
  };

  it('a shared channel sees the network, a private one the address; the report itself keeps it', () => {
    const before = JSON.stringify(report);
    const shared = JSON.stringify([reportView(report, 'shared'), reportDetails(report, 'shared')]);
    expect(shared).toContain('203.0.113.x');
    expect(shared).not.toContain('203.0.113.10');
    expect(JSON.stringify(reportView(report, 'private'))).toContain('203.0.113.10');
    expect(JSON.stringify(reportDetails(report, 'private'))).toContain('203.0.113.10');
    expect(JSON.stringify(report)).toBe(before);
  });

  it('unknown audiences count as shared; CHECK502_SHOW_ORIGIN_ADDRESSES=always shows them everywhere', () => {
    expect(audienceOf(undefined)).toBe('shared');
    expect(audienceOf({})).toBe('shared');
    expect(audienceOf({ private: true })).toBe('private');
    expect(audienceOf(undefined, 'always')).toBe('private');
  });
});
