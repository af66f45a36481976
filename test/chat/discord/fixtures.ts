// Reports and findings as the core produces them, for rendering and sink tests.
import type { Report } from '../../../src/diagnosis/report.js';
import { reported } from '../../support/findings.js';

export function refusedReport(site = 'shop.example.com'): Report {
  return {
    site,
    url: `https://${site}/`,
    verdict: 'failing',
    primaryCause: 'origin.connection_refused',
    findings: [
      reported({
        code: 'edge.error',
        severity: 'error',
        title: 'Cloudflare answers 521 Web server is down',
        detail: 'The edge could not connect to the origin.',
        evidence: { status: 521, rayId: '8f1e2d3c4b5a6978-AMS', cloudflareErrorCode: 521, blames: 'origin' },
        remediation: ['Bring the origin web server back up.'],
      }),
      reported({
        code: 'origin.connection_refused',
        severity: 'error',
        title: 'The origin refuses connections on port 443',
        detail: '203.0.113.10:443 answered TCP with RST.',
        evidence: { address: '203.0.113.10', port: 443 },
        remediation: [
          'Start the web server on the origin (e.g. `systemctl start nginx`).',
          'Open port 443 to Cloudflare IP ranges.',
        ],
      }),
      reported({
        code: 'dns.public_ok',
        severity: 'ok',
        title: 'Public DNS answers with Cloudflare',
        detail: '',
      }),
    ],
    checks: [
      { name: 'edge', status: 'failed', durationMs: 120 },
      { name: 'origin', status: 'failed', durationMs: 15 },
      { name: 'public-dns', status: 'passed', durationMs: 8 },
    ],
    startedAt: '2026-11-23T19:00:00.000Z',
    durationMs: 842,
    cloudflareApiCalls: 0,
  };
}
