import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEdgePage, cloudflareErrorMeaning } from '../../../../src/diagnosis/checks/edge/edge-page.js';
import type { EdgeResponse } from '../../../../src/diagnosis/ports.js';
import { brandedPage, legacyErrorPage, minimalPage, plainErrorPage } from '../../../fakes/edge-pages.js';

const RAY = '8a1b2c3d4e5f6789';
const cfHeaders = {
  server: 'cloudflare',
  'cf-ray': `${RAY}-FRA`,
  'content-type': 'text/html; charset=UTF-8',
};

function response(status: number, body: string, headers: Record<string, string> = cfHeaders): EdgeResponse {
  return { status, headers, body, bodyTruncated: false, ttfbMs: 5 };
}

describe('classifyEdgePage', () => {
  it('reads the branded 521 page blaming the host, with ray and colo', () => {
    const page = classifyEdgePage(response(521, brandedPage(521, 'shop.example.com', RAY, 'host')));
    expect(page).toMatchObject({
      status: 521,
      viaCloudflare: true,
      rayId: RAY,
      colo: 'FRA',
      cloudflareErrorCode: 521,
      generatedBy: 'cloudflare',
      blames: 'origin',
      reason: 'Web server is down',
      form: 'branded',
    });
  });

  it('tells a branded 502 blaming Cloudflare itself from one blaming the host', () => {
    expect(classifyEdgePage(response(502, brandedPage(502, 'a.example', RAY, 'cloudflare'))).blames).toBe(
      'cloudflare',
    );
    expect(classifyEdgePage(response(502, brandedPage(502, 'a.example', RAY, 'browser'))).blames).toBe(
      'browser',
    );
  });

  it('copes with a minified page, single quotes, upper case and shuffled attributes', () => {
    const body = `<HTML><HEAD><TITLE>shop.example.com &#124; 522: Connection timed out</TITLE></HEAD><BODY>
      <DIV ID='cf-wrapper'><div id=cf-error-details>
      <div class='relative w-1/3' ID='cf-browser-status'><span class='text-green-success'>Working</span></div>
      <div data-x="1" class="relative   cf-error-source w-1/3"
           id="cf-host-status"><span class="text-red-error">Error</span></div>
      <div id="cf-cloudflare-status" class="w-1/3"><span>Working</span></div>
      </div></DIV></BODY></HTML>`;
    const page = classifyEdgePage(response(522, body));
    expect(page).toMatchObject({ cloudflareErrorCode: 522, blames: 'origin', generatedBy: 'cloudflare' });
    expect(page.reason).toBe('Connection timed out');
  });

  it('falls back to the block whose status reads Error when no block is marked as the source', () => {
    const body = `<div id="cf-wrapper"><div id="cf-browser-status"><span>Working</span></div>
      <div id="cf-cloudflare-status"><span class="text-red-error">Error</span></div>
      <div id="cf-host-status"><span>Working</span></div></div>`;
    expect(classifyEdgePage(response(502, body))).toMatchObject({
      blames: 'cloudflare',
      cloudflareErrorCode: 502,
    });
  });

  it('reads status colours given as inline styles and icons when no block is marked', () => {
    const body = `<div id="cf-error-details">
      <div id="cf-browser-status" class="relative"><span class="cf-icon-ok"></span><span style="color: #9bca3e">Working</span></div>
      <div id="cf-cloudflare-status" class="relative"><span class="cf-icon-ok"></span><span style="color: #9bca3e">Working</span></div>
      <div id="cf-host-status" class="relative"><span class="cf-icon-error"></span><span style="color: #bd2426">Down</span></div></div>`;
    expect(classifyEdgePage(response(523, body)).blames).toBe('origin');
  });

  it('reads a branded page embedded in a JSON string', () => {
    const html = brandedPage(525, 'api.example.com', RAY, 'host');
    const json = JSON.stringify({ error: html });
    const page = classifyEdgePage(response(525, json, { 'content-type': 'application/json' }));
    expect(page).toMatchObject({
      generatedBy: 'cloudflare',
      cloudflareErrorCode: 525,
      blames: 'origin',
      rayId: RAY,
    });
  });

  it("recognises Cloudflare's title shape on a restyled page served through Cloudflare", () => {
    const body =
      '<html><head><title>shop.example.com | 524: A timeout occurred</title></head><body>Sorry</body></html>';
    expect(classifyEdgePage(response(524, body))).toMatchObject({
      generatedBy: 'cloudflare',
      cloudflareErrorCode: 524,
    });
    expect(classifyEdgePage(response(524, body, { server: 'nginx' })).generatedBy).toBe('unknown');
  });

  it('reads the 1xxx layout: 1033 in a 530', () => {
    const page = classifyEdgePage(response(530, legacyErrorPage(1033, 'app.example.com', RAY)));
    expect(page).toMatchObject({ cloudflareErrorCode: 1033, generatedBy: 'cloudflare', status: 530 });
    expect(page.blames).toBeUndefined();
  });

  it('reads the plain-text form, with or without a trailing newline', () => {
    expect(classifyEdgePage(response(530, plainErrorPage(1033)))).toMatchObject({
      cloudflareErrorCode: 1033,
      generatedBy: 'cloudflare',
      form: 'plain',
    });
    expect(classifyEdgePage(response(522, 'Error Code: 522\n')).cloudflareErrorCode).toBe(522);
  });

  it('reads the minimal nginx-style page generated inside Cloudflare', () => {
    const page = classifyEdgePage(response(502, minimalPage(502)));
    expect(page).toMatchObject({ generatedBy: 'cloudflare', cloudflareErrorCode: 502, form: 'minimal' });
    expect(classifyEdgePage(response(504, minimalPage(504).toUpperCase())).cloudflareErrorCode).toBe(504);
  });

  it("treats an app's own 503 relayed through Cloudflare as generated by the origin", () => {
    const json = classifyEdgePage(response(503, '{"error":"maintenance","code":503}'));
    expect(json).toMatchObject({ generatedBy: 'origin', viaCloudflare: true, rayId: RAY });
    expect(json.cloudflareErrorCode).toBeUndefined();
    const nginx =
      '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body></html>';
    expect(classifyEdgePage(response(502, nginx))).toMatchObject({ generatedBy: 'origin' });
    expect(classifyEdgePage(response(500, '<p>error code 500 in our app</p>')).generatedBy).toBe('origin');
  });

  it('says unknown when the answer did not come through Cloudflare at all', () => {
    const page = classifyEdgePage(response(200, '<h1>hello</h1>', { server: 'nginx' }));
    expect(page).toMatchObject({ viaCloudflare: false, generatedBy: 'unknown' });
    expect(page.rayId).toBeUndefined();
  });

  it('takes the ray from the page when the header is missing and ignores a malformed cf-ray', () => {
    const page = classifyEdgePage(
      response(521, brandedPage(521, 'x.example', 'abcdef0123456789'), {
        'cf-ray': 'not a ray',
        server: 'x',
      }),
    );
    expect(page).toMatchObject({ viaCloudflare: true, rayId: 'abcdef0123456789', cloudflareErrorCode: 521 });
  });

  it('reads header names in any case and survives hostile bodies quickly', () => {
    const page = classifyEdgePage(
      response(200, '<'.repeat(65_536), { Server: 'CloudFlare', 'CF-RAY': `${RAY}-sjc` }),
    );
    expect(page).toMatchObject({ viaCloudflare: true, colo: 'SJC', generatedBy: 'origin' });
    const weird = classifyEdgePage(response(502, `<div class="${'a'.repeat(50_000)}" id="cf-host-status">`));
    expect(weird.generatedBy).toBe('cloudflare');
  });

  it('explains codes in plain words', () => {
    expect(cloudflareErrorMeaning(521)).toMatch(/refused/);
    expect(cloudflareErrorMeaning(1033)).toMatch(/cloudflared/);
    expect(cloudflareErrorMeaning(418)).toBeUndefined();
  });

  it('never throws on arbitrary bodies and headers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.string({ maxLength: 400 }),
        fc.string(),
        (status, body, ray) => {
          const page = classifyEdgePage(response(status, `<div id="cf-wrapper">${body}`, { 'cf-ray': ray }));
          // Cloudflare's error markup under 2xx/3xx is a copy the origin serves, never an edge error.
          if (status >= 400) expect(page.generatedBy).toBe('cloudflare');
          else expect(page.cloudflareErrorCode).toBeUndefined();
          expect(['origin', 'cloudflare', 'browser', undefined]).toContain(page.blames);
        },
      ),
    );
  });
});
