import { type StepsByCode, str } from './steps.js';

export const SSL_STEPS: StepsByCode = {
  'ssl.origin_no_https': (e) => [
    `Install a certificate on the origin ${str(e.origin, '')} and serve HTTPS on port 443: a free Cloudflare Origin CA certificate works with Full (strict) (dashboard → SSL/TLS → Origin Server → Create Certificate).`,
    `Until then, the SSL mode ${str(e.mode, 'Full')} sends Cloudflare to port 443 where nothing answers: as a stop-gap set SSL/TLS → Overview → "Flexible" (Cloudflare → origin over HTTP), and switch back to Full (strict) once HTTPS works.`,
  ],
  'ssl.flexible_redirect_loop': (e) => [
    `The origin redirects HTTP to HTTPS while the SSL mode is Flexible, so Cloudflare loops: set SSL/TLS → Overview → "Full (strict)" (the origin ${str(e.origin, '')} already serves HTTPS), or stop the origin's HTTP→HTTPS redirect and enable "Always Use HTTPS" in SSL/TLS → Edge Certificates instead.`,
  ],
};
