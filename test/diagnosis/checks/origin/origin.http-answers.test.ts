// The origin check on what the origin answers over HTTP: the web server's own 502 page, an
// application 500, oversized headers, HTTP/1.0.

import { describe, expect, it } from 'vitest';
import { codes, originLabForFile, run } from './support/run-origin-check.js';

originLabForFile();

describe('origin check against the lab', () => {
  it('the web server’s own 502 page → origin.http_5xx naming the upstream', async () => {
    const result = await run('badGateway', { mode: 'strict' });
    const found = result.findings.find((f) => f.code === 'origin.http_5xx');
    expect(found).toMatchObject({
      severity: 'error',
      evidence: { status: 502, server: 'nginx/1.24.0', gatewayPage: 'nginx' },
    });
    expect(found?.detail).toContain('upstream');
    expect(found?.remediation[0]).toContain('upstream');
  });

  it('an application 500 is origin.http_5xx without the gateway story', async () => {
    const result = await run('serverError', { mode: 'flexible' });
    const found = result.findings.find((f) => f.code === 'origin.http_5xx');
    expect(found?.evidence['gatewayPage']).toBeNull();
  });

  it('oversized headers → origin.headers_too_large (warn)', async () => {
    const result = await run('hugeHeaders', { mode: 'flexible' });
    expect(codes(result.findings)).toEqual(['origin.headers_too_large:warn', 'origin.ok:ok']);
  });

  it('an HTTP/1.0 origin is fine', async () => {
    const result = await run('http10', { mode: 'flexible' });
    expect(result.findings[0]).toMatchObject({ code: 'origin.ok', evidence: { httpVersion: '1.0' } });
  });
});
